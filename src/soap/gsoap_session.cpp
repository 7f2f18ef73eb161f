#include "gsoap_session.h"

#include <cstring>

#include "text.h"
#include "xml_text.h"

extern struct Namespace bingads_soap_namespaces[];  // nsmap.cpp

namespace bingads::internal::gsoap {
namespace {

// Lets gSOAP read the response body where it is (std::istringstream would first copy all of it).
class BodyReader : public std::streambuf {
 public:
  explicit BodyReader(const std::string& body) {
    // The get area is only read from; streambuf's interface wants non-const pointers.
    char* begin = const_cast<char*>(body.data());
    setg(begin, begin, begin + body.size());
  }
};

BatchError ToBatchError(const cm__BatchError& in) {
  BatchError out;
  out.Code = in.Code != nullptr ? *in.Code : 0;
  out.Details = Opt(in.Details);
  out.ErrorCode = Opt(in.ErrorCode);
  out.FieldPath = Opt(in.FieldPath);
  if (in.ForwardCompatibilityMap != nullptr) {
    for (const scg__KeyValuePairOfstringstring* kv :
         in.ForwardCompatibilityMap->KeyValuePairOfstringstring) {
      if (kv != nullptr) out.ForwardCompatibilityMap.push_back({Opt(kv->key), Opt(kv->value)});
    }
  }
  out.Index = in.Index != nullptr ? *in.Index : 0;
  out.Message = Opt(in.Message);
  out.Type = Opt(in.Type);
  return out;
}

// The Reporting service's smaller BatchError: Code, Details, ErrorCode, Index, Message.
std::vector<PartialError> ToReportingPartialErrors(const rep__ArrayOfBatchError* in) {
  std::vector<PartialError> out;
  if (in == nullptr) return out;
  for (const rep__BatchError* e : in->BatchError) {
    if (e == nullptr) continue;
    BatchError b;
    b.Code = e->Code != nullptr ? *e->Code : 0;
    b.Details = Opt(e->Details);
    b.ErrorCode = Opt(e->ErrorCode);
    b.Index = e->Index != nullptr ? *e->Index : 0;
    b.Message = Opt(e->Message);
    out.emplace_back(std::move(b));
  }
  return out;
}

template <typename List>
void AddOperationErrors(const List* in, FaultDetail& detail) {
  if (in == nullptr) return;
  for (const auto* e : in->OperationError) {
    if (e == nullptr) continue;
    detail.OperationErrors.push_back(
        {e->Code != nullptr ? *e->Code : 0, Opt(e->Details), Opt(e->ErrorCode), Opt(e->Message)});
  }
}

void ReadAdApiFault(const adapi__AdApiFaultDetail& f, FaultDetail& detail) {
  detail.Type = "AdApiFaultDetail";
  if (f.TrackingId != nullptr) detail.TrackingId = Checked(*f.TrackingId);
  if (f.Errors == nullptr) return;
  for (const adapi__AdApiError* e : f.Errors->AdApiError) {
    if (e == nullptr) continue;
    detail.Errors.push_back(
        {e->Code != nullptr ? *e->Code : 0, Opt(e->Detail), Opt(e->ErrorCode), Opt(e->Message)});
  }
}

// A detail gSOAP did not recognise: kept raw, its element's name as the type.
void ReadUnknownFault(const char* any, FaultDetail& detail) {
  detail.RawDetail = Checked(any);
  const char* open = std::strchr(any, '<');
  if (open == nullptr) return;
  const std::size_t len = std::strcspn(open + 1, " />\t\r\n");
  std::string name(open + 1, len);
  const auto colon = name.find(':');
  detail.Type = colon == std::string::npos ? name : name.substr(colon + 1);
}

}  // namespace

const std::string& Checked(const std::string& text) {
  if (text.find('\0') != std::string::npos || InvalidUtf8(text)) {
    throw Error(ErrorKind::kMalformedResponse,
                "SOAP response could not be read: a decoded text is not UTF-8");
  }
  return text;
}

std::optional<std::string> Opt(const std::string* p) {
  return p != nullptr ? std::optional<std::string>(Checked(*p)) : std::nullopt;
}

std::string GsoapMessage(struct soap* soap) {
  char buffer[512] = {0};
  soap_sprint_fault(soap, buffer, sizeof buffer);
  std::string text(buffer);
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

std::vector<PartialError> ToPartialErrors(const cm__ArrayOfBatchError* in) {
  std::vector<PartialError> out;
  if (in == nullptr) return out;
  for (const cm__BatchError* item : in->BatchError) {
    if (item == nullptr) continue;  // a nil BatchError carries nothing to report
    if (item->soap_type() == SOAP_TYPE_cm__EditorialError) {
      const auto& e = static_cast<const cm__EditorialError&>(*item);
      EditorialError ed;
      static_cast<BatchError&>(ed) = ToBatchError(e);
      ed.Appealable = e.Appealable != nullptr ? std::optional<bool>(*e.Appealable) : std::nullopt;
      ed.DisapprovedText = Opt(e.DisapprovedText);
      ed.Location = Opt(e.Location);
      ed.PublisherCountry = Opt(e.PublisherCountry);
      ed.ReasonCode = e.ReasonCode != nullptr ? *e.ReasonCode : 0;
      out.emplace_back(std::move(ed));
    } else {
      out.emplace_back(ToBatchError(*item));
    }
  }
  return out;
}

CallScope::~CallScope() {
  soap_->is = nullptr;
  soap_->os = nullptr;
  soap_->header = nullptr;
  // The call's objects and data go now. gSOAP's temporaries (its hash tables: clearing them
  // costs about 47,000 instructions, a quarter of a SOAP call) wait for the next call's
  // soap_begin or soap_begin_recv, which clears them anyway, or for the codec's end.
  soap_destroy(soap_);
  soap_dealloc(soap_, nullptr);
}

// SOAP_XML_TREE: the contracts are document/literal, with no multi-reference data, so gSOAP keeps
// no id/href bookkeeping either way (an id attribute in a response is ignored).
Session::Session(Service service)
    : soap_(soap_new1(SOAP_C_UTFSTRING | SOAP_XML_TREE)), service_(service) {
  if (soap_ == nullptr) throw Error(ErrorKind::kTransport, "gSOAP: out of memory");
  soap_set_namespaces(soap_, bingads_soap_namespaces);
  // Plain XML out: the transport adds the HTTP framing, so gSOAP need not serialise every
  // request twice (once only to count its length for a Content-Length it would not send).
  soap_set_omode(soap_, SOAP_ENC_PLAIN);
}

Session::~Session() {
  soap_destroy(soap_);
  soap_end(soap_);
  soap_free(soap_);
}

void Session::BeginSend(const CallTarget& target, std::ostringstream& body) {
  header_values_[0] = target.credentials.access_token;
  header_values_[1] = target.credentials.account_id;
  header_values_[2] = target.credentials.customer_id;
  header_values_[3] = target.credentials.developer_token;
  soap_->header = soap_new_SOAP_ENV__Header(soap_);
  SOAP_ENV__Header& h = *soap_->header;
  const bool cm = service_ == Service::kCampaignManagement;
  (cm ? h.cm__AuthenticationToken : h.rep__AuthenticationToken) = &header_values_[0];
  (cm ? h.cm__CustomerAccountId : h.rep__CustomerAccountId) = &header_values_[1];
  (cm ? h.cm__CustomerId : h.rep__CustomerId) = &header_values_[2];
  (cm ? h.cm__DeveloperToken : h.rep__DeveloperToken) = &header_values_[3];
  soap_->os = &body;
}

HttpRequest Session::MakeRequest(const CallTarget& target, std::string_view path,
                                 const char* action, std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.url = target.base_url + std::string(path);
  request.headers = {{"Content-Type", "text/xml; charset=utf-8"},
                     {"SOAPAction", std::string("\"") + action + "\""}};
  request.body = std::move(body);
  return request;
}

std::string Session::TrackingId() const {
  if (soap_->header == nullptr) return {};
  const std::string* id = service_ == Service::kCampaignManagement ? soap_->header->cm__TrackingId
                                                                   : soap_->header->rep__TrackingId;
  return id != nullptr ? Checked(*id) : std::string();
}

Session::Reading::Reading(Session& session, const HttpResponse& response)
    : session_(session), response_(response) {
  if (response.body.empty()) ThrowMalformed(kProtocol, response, "empty body");
  // Refused before gSOAP sees it: a DTD (gSOAP would turn each entity into U+007F), text that
  // is not UTF-8 or XML, references to no XML character. References gSOAP would misread are
  // written shorter first.
  const XmlTextCheck check = CheckXmlText(response.body);
  if (check.problem) ThrowMalformed(kProtocol, response, *check.problem);
  if (check.long_references) shortened_ = ShortenReferences(response.body);
  buffer_ = std::make_unique<BodyReader>(check.long_references ? shortened_ : response.body);
  stream_ = std::make_unique<std::istream>(buffer_.get());
  session_.soap_->is = stream_.get();
}

bool Session::Reading::Started() {
  struct soap* soap = session_.soap_;
  if (soap_begin_recv(soap) || soap_envelope_begin_in(soap) || soap_recv_header(soap) ||
      soap_body_begin_in(soap)) {
    rc_ = soap_closesock(soap);
    return false;
  }
  return true;
}

void Session::Reading::Missing() {
  in_body_ = session_.soap_->error == SOAP_TAG_MISMATCH || session_.soap_->error == SOAP_NO_TAG;
  rc_ = soap_recv_fault(session_.soap_, 0);
}

void Session::Reading::Present() {
  struct soap* soap = session_.soap_;
  present_ = true;
  if (soap_body_end_in(soap) || soap_envelope_end_in(soap) || soap_end_recv(soap)) {
    rc_ = soap_closesock(soap);
  }
}

void Session::Reading::Finish(const char* tag) {
  if (rc_ == SOAP_OK && session_.soap_->version != 1) {
    ThrowMalformed(kProtocol, response_, "a SOAP 1.2 envelope; the service speaks SOAP 1.1");
  }
  if (rc_ == SOAP_FAULT) session_.ThrowFault(response_);
  const char* local = std::strchr(tag, ':');
  if (!present_ && (rc_ == SOAP_OK || in_body_)) {
    ThrowMalformed(kProtocol, response_,
                   std::string("the Body holds no <") + (local ? local + 1 : tag) + ">");
  }
  if (rc_ != SOAP_OK) {
    ThrowMalformed(kProtocol, response_,
                   "not a SOAP response (" + GsoapMessage(session_.soap_) + ")");
  }
  if (response_.status < 200 || response_.status > 299) {
    ThrowMalformed(kProtocol, response_, "a response document with a non-success HTTP status");
  }
}

void Session::ThrowFault(const HttpResponse& response) const {
  FaultDetail detail;
  const SOAP_ENV__Fault* fault = soap_->fault;
  if (fault != nullptr && fault->faultstring != nullptr)
    detail.FaultString = Checked(fault->faultstring);
  const SOAP_ENV__Detail* d = fault != nullptr ? fault->detail : nullptr;
  if (d != nullptr && d->adapi__AdApiFaultDetail_ != nullptr) {
    ReadAdApiFault(*d->adapi__AdApiFaultDetail_, detail);
  } else if (d != nullptr && d->cm__ApiFaultDetail_ != nullptr) {
    const auto& f = *d->cm__ApiFaultDetail_;
    detail.Type = "ApiFaultDetail";
    if (f.TrackingId != nullptr) detail.TrackingId = Checked(*f.TrackingId);
    detail.BatchErrors = ToPartialErrors(f.BatchErrors);
    AddOperationErrors(f.OperationErrors, detail);
  } else if (d != nullptr && d->rep__ApiFaultDetail_ != nullptr) {
    const auto& f = *d->rep__ApiFaultDetail_;
    detail.Type = "ApiFaultDetail";
    if (f.TrackingId != nullptr) detail.TrackingId = Checked(*f.TrackingId);
    detail.BatchErrors = ToReportingPartialErrors(f.BatchErrors);
    AddOperationErrors(f.OperationErrors, detail);
  } else if (d != nullptr && d->__any != nullptr) {
    ReadUnknownFault(d->__any, detail);
  }
  if (detail.TrackingId.empty()) detail.TrackingId = TrackingId();
  if (detail.TrackingId.empty()) detail.TrackingId = response.Header("TrackingId").value_or("");
  throw ApiFault(std::move(detail), response.status);
}

}  // namespace bingads::internal::gsoap
