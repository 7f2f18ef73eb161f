// gSOAP plumbing shared by both services' SOAP codecs (Campaign Management, Reporting): one gSOAP
// context, envelopes serialised in memory with the service's credential headers, responses read
// strictly and faults turned into ApiFault. gSOAP types never leave src/soap/. Not installed.
#pragma once

#include <istream>
#include <optional>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "internal.h"
#include "soapH.h"

namespace bingads::internal::gsoap {

inline constexpr const char* kProtocol = "SOAP";

/// Text gSOAP decoded, checked again as the REST reader checks its strings (no NUL, UTF-8).
const std::string& Checked(const std::string& text);
/// The checked text, or nullopt for a null pointer.
std::optional<std::string> Opt(const std::string* p);
/// gSOAP's error as one line.
std::string GsoapMessage(struct soap* soap);
/// Campaign Management's partial errors, their EditorialError subtype kept.
std::vector<PartialError> ToPartialErrors(const cm__ArrayOfBatchError* in);

/// Which service's header elements a request carries and its TrackingId is read from.
enum class Service { kCampaignManagement, kReporting };

/// One gSOAP context. Not thread-safe: a codec owns one and serialises its use.
class Session {
 public:
  explicit Session(Service service);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  struct soap* get() const {
    return soap_;
  }

  /// Serialises one request envelope with `send` (a soap_send___ call) into an HTTP POST to
  /// `path` below the target's base URL with this SOAPAction.
  template <typename SendFn>
  HttpRequest Request(const CallTarget& target, std::string_view path, const char* action,
                      SendFn send) {
    std::ostringstream body;
    BeginSend(target, body);
    if (send() != SOAP_OK) {
      throw Error(ErrorKind::kUsage, std::string("SOAP request ") + action +
                                         " could not be encoded: " + GsoapMessage(soap_));
    }
    return MakeRequest(target, path, action, std::move(body).str());
  }

  /// Reads the envelope in the response body into `decoded` (whose element is `tag`, e.g.
  /// "cm:AddBudgetsResponse"), insisting on that element: gSOAP's own receive takes an empty
  /// Body or a SOAP 1.2 envelope as an empty success. Throws ApiFault for a fault and Error for
  /// anything else that is not this operation's SOAP 1.1 response.
  template <typename Response>
  void Receive(Response& decoded, const char* tag, const HttpResponse& response) {
    Reading reading(*this, response);
    decoded.soap_default(soap_);
    if (reading.Started()) {
      if (decoded.soap_in(soap_, tag, nullptr) == nullptr) {
        reading.Missing();
      } else {
        reading.Present();
      }
    }
    reading.Finish(tag);
  }

  /// The response header's TrackingId (of this session's service), or "".
  std::string TrackingId() const;

 private:
  // One response being read: the body checked and handed to gSOAP, then the outcome judged.
  class Reading {
   public:
    Reading(Session& session, const HttpResponse& response);
    bool Started();  // the envelope, header and body opened
    void Missing();  // the expected element is not there: a fault, or nothing
    void Present();  // the element was read: close the body and envelope
    void Finish(const char* tag);

   private:
    Session& session_;
    const HttpResponse& response_;
    std::string shortened_;
    std::unique_ptr<std::streambuf> buffer_;
    std::unique_ptr<std::istream> stream_;
    int rc_ = SOAP_OK;
    bool present_ = false;
    bool in_body_ = false;
  };

  void BeginSend(const CallTarget& target, std::ostringstream& body);
  static HttpRequest MakeRequest(const CallTarget& target, std::string_view path,
                                 const char* action, std::string body);
  [[noreturn]] void ThrowFault(const HttpResponse& response) const;

  struct soap* soap_;
  Service service_;
  std::string header_values_[4];
};

/// Frees everything gSOAP allocated for one call when the scope ends.
class CallScope {
 public:
  explicit CallScope(const Session& session) : soap_(session.get()) {}
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  struct soap* soap_;
};

}  // namespace bingads::internal::gsoap
