// SOAP 1.1 codec: gSOAP stubs generated from wsdl/ serialise and parse envelopes in memory; the
// bytes travel over the shared HTTP transport. gSOAP types never leave this file.
#include <cstring>
#include <istream>
#include <sstream>
#include <streambuf>
#include <string>

#include "codec.h"
#include "fast_reader.h"
#include "internal.h"
#include "soapH.h"
#include "text.h"
#include "xml_text.h"

extern struct Namespace bingads_soap_namespaces[];  // nsmap.cpp

namespace bingads::internal {
namespace {

constexpr const char* kProtocol = "SOAP";

// Text gSOAP decoded, checked again as the REST reader checks its strings. CheckXmlText refuses
// what gSOAP would alter before it parses, so this should never fail; it keeps the promise that
// no text that is not UTF-8 leaves the codec.
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

// Frees everything gSOAP allocated for one call when the scope ends.
class CallScope {
 public:
  explicit CallScope(struct soap* soap) : soap_(soap) {}
  ~CallScope() {
    soap_->is = nullptr;
    soap_->os = nullptr;
    soap_->header = nullptr;
    // The call's objects and data go now. gSOAP's temporaries (its hash tables: clearing them
    // costs about 47,000 instructions, a quarter of a SOAP call) wait for the next call's
    // soap_begin or soap_begin_recv, which clears them anyway, or for the codec's end.
    soap_destroy(soap_);
    soap_dealloc(soap_, nullptr);
  }
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  struct soap* soap_;
};

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

Budget ToBudget(const cm__Budget& in, std::size_t position, const HttpResponse& response) {
  Budget out;
  if (in.Amount != nullptr) {
    out.Amount = Decimal::Parse(*in.Amount);
    if (!out.Amount) {
      ThrowMalformed(kProtocol, response,
                     "Budgets[" + std::to_string(position) + "].Amount is not an xs:decimal: '" +
                         Excerpt(*in.Amount, 60) + "'");
    }
  }
  if (in.AssociationCount != nullptr) out.AssociationCount = *in.AssociationCount;
  if (in.BudgetType != nullptr) out.BudgetType = Checked(*in.BudgetType);
  if (in.Id != nullptr) out.Id = static_cast<std::int64_t>(*in.Id);
  out.Name = Opt(in.Name);
  return out;
}

// Lets gSOAP read the response body where it is (std::istringstream would first copy all of it).
class BodyReader : public std::streambuf {
 public:
  explicit BodyReader(const std::string& body) {
    // The get area is only read from; streambuf's interface wants non-const pointers.
    char* begin = const_cast<char*>(body.data());
    setg(begin, begin, begin + body.size());
  }
};

class SoapCodec final : public Codec {
 public:
  // SOAP_XML_TREE: the contract is document/literal, with no multi-reference data, so gSOAP keeps
  // no id/href bookkeeping either way (an id attribute in a response is ignored).
  explicit SoapCodec(bool fast_path)
      : soap_(soap_new1(SOAP_C_UTFSTRING | SOAP_XML_TREE)), fast_path_(fast_path) {
    if (soap_ == nullptr) throw Error(ErrorKind::kTransport, "gSOAP: out of memory");
    soap_set_namespaces(soap_, bingads_soap_namespaces);
    // Plain XML out: the transport adds the HTTP framing, so gSOAP need not serialise every
    // request twice (once only to count its length for a Content-Length it would not send).
    soap_set_omode(soap_, SOAP_ENC_PLAIN);
  }
  ~SoapCodec() override {
    soap_destroy(soap_);
    soap_end(soap_);
    soap_free(soap_);
  }
  SoapCodec(const SoapCodec&) = delete;
  SoapCodec& operator=(const SoapCodec&) = delete;

  HttpRequest EncodeGetBudgetsByIds(const CallTarget& target, Ids ids) override {
    CallScope scope(soap_);
    _cm__GetBudgetsByIdsRequest request;
    request.BudgetIds = IdList(ids);
    return Send(target, "GetBudgetsByIds", [&] {
      return soap_send___cm__GetBudgetsByIds(soap_, "", "GetBudgetsByIds", &request);
    });
  }

  GetBudgetsByIdsResult DecodeGetBudgetsByIds(const HttpResponse& response) override {
    if (fast_path_) {
      GetBudgetsByIdsResult fast;
      if (FastSoapGetBudgetsByIds(response, fast)) return fast;
    }
    CallScope scope(soap_);
    _cm__GetBudgetsByIdsResponse decoded;
    GetBudgetsByIdsResult result =
        Receive<GetBudgetsByIdsResult>(decoded, "cm:GetBudgetsByIdsResponse", response);
    if (decoded.Budgets != nullptr) {
      result.Budgets.reserve(decoded.Budgets->Budget.size());
      for (const cm__Budget* budget : decoded.Budgets->Budget) {
        if (budget == nullptr) {
          result.Budgets.emplace_back();
        } else {
          result.Budgets.emplace_back(ToBudget(*budget, result.Budgets.size(), response));
        }
      }
    }
    return result;
  }

  HttpRequest EncodeAddBudgets(const CallTarget& target, Budgets budgets) override {
    CallScope scope(soap_);
    _cm__AddBudgetsRequest request;
    request.Budgets = BudgetList(budgets, /*with_id=*/false);
    return Send(target, "AddBudgets",
                [&] { return soap_send___cm__AddBudgets(soap_, "", "AddBudgets", &request); });
  }

  AddBudgetsResult DecodeAddBudgets(const HttpResponse& response) override {
    CallScope scope(soap_);
    _cm__AddBudgetsResponse decoded;
    AddBudgetsResult result = Receive<AddBudgetsResult>(decoded, "cm:AddBudgetsResponse", response);
    result.BudgetIds = NullableIds(decoded.BudgetIds, response);
    return result;
  }

  HttpRequest EncodeUpdateBudgets(const CallTarget& target, Budgets budgets) override {
    CallScope scope(soap_);
    _cm__UpdateBudgetsRequest request;
    request.Budgets = BudgetList(budgets, /*with_id=*/true);
    return Send(target, "UpdateBudgets", [&] {
      return soap_send___cm__UpdateBudgets(soap_, "", "UpdateBudgets", &request);
    });
  }

  UpdateBudgetsResult DecodeUpdateBudgets(const HttpResponse& response) override {
    if (UpdateBudgetsResult fast; fast_path_ && FastSoapUpdateBudgets(response, fast)) return fast;
    CallScope scope(soap_);
    _cm__UpdateBudgetsResponse decoded;
    return Receive<UpdateBudgetsResult>(decoded, "cm:UpdateBudgetsResponse", response);
  }

  HttpRequest EncodeDeleteBudgets(const CallTarget& target, Ids ids) override {
    CallScope scope(soap_);
    _cm__DeleteBudgetsRequest request;
    request.BudgetIds = IdList(ids);
    return Send(target, "DeleteBudgets", [&] {
      return soap_send___cm__DeleteBudgets(soap_, "", "DeleteBudgets", &request);
    });
  }

  DeleteBudgetsResult DecodeDeleteBudgets(const HttpResponse& response) override {
    if (DeleteBudgetsResult fast; fast_path_ && FastSoapDeleteBudgets(response, fast)) return fast;
    CallScope scope(soap_);
    _cm__DeleteBudgetsResponse decoded;
    return Receive<DeleteBudgetsResult>(decoded, "cm:DeleteBudgetsResponse", response);
  }

  HttpRequest EncodeGetCampaignIdsByBudgetIds(const CallTarget& target, Ids ids) override {
    CallScope scope(soap_);
    _cm__GetCampaignIdsByBudgetIdsRequest request;
    request.BudgetIds = IdList(ids);
    return Send(target, "GetCampaignIdsByBudgetIds", [&] {
      return soap_send___cm__GetCampaignIdsByBudgetIds(soap_, "", "GetCampaignIdsByBudgetIds",
                                                       &request);
    });
  }

  GetCampaignIdsByBudgetIdsResult DecodeGetCampaignIdsByBudgetIds(
      const HttpResponse& response) override {
    CallScope scope(soap_);
    _cm__GetCampaignIdsByBudgetIdsResponse decoded;
    auto result = Receive<GetCampaignIdsByBudgetIdsResult>(
        decoded, "cm:GetCampaignIdsByBudgetIdsResponse", response);
    if (decoded.CampaignIdCollection != nullptr) {
      for (const cm__IdCollection* collection : decoded.CampaignIdCollection->IdCollection) {
        if (collection == nullptr) {
          result.CampaignIdCollection.emplace_back();
        } else {
          result.CampaignIdCollection.push_back(
              IdCollection{NullableIds(collection->Ids, response)});
        }
      }
    }
    return result;
  }

 private:
  arr__ArrayOflong* IdList(Ids ids) {
    if (ids.empty()) return nullptr;  // nil: for GetBudgetsByIds, every budget
    auto* list = soap_new_arr__ArrayOflong(soap_);
    list->long_.assign(ids.begin(), ids.end());
    return list;
  }

  // Only the fields the caller set go out; AssociationCount (read-only) never, Id only on update.
  cm__ArrayOfBudget* BudgetList(Budgets budgets, bool with_id) {
    auto* list = soap_new_cm__ArrayOfBudget(soap_);
    for (const Budget& b : budgets) {
      auto* out = soap_new_cm__Budget(soap_);
      if (b.Amount) out->Amount = NewString(b.Amount->Text());
      if (b.BudgetType) out->BudgetType = NewString(b.BudgetType->Text());
      if (with_id && b.Id) {
        out->Id = soap_new_LONG64(soap_);
        *out->Id = static_cast<LONG64>(*b.Id);
      }
      if (b.Name) out->Name = NewString(*b.Name);
      list->Budget.push_back(out);
    }
    return list;
  }

  std::string* NewString(std::string_view value) {
    std::string* p = soap_new_std__string(soap_);
    p->assign(value);
    return p;
  }

  // Items in the WSDL's System namespace, or in the Arrays namespace the documentation shows;
  // a list mixing both cannot be put in order and is refused.
  static std::vector<std::optional<std::int64_t>> NullableIds(const sys__ArrayOfNullableOflong* in,
                                                              const HttpResponse& response) {
    std::vector<std::optional<std::int64_t>> out;
    if (in == nullptr) return out;
    if (!in->long_.empty() && !in->arr__long.empty()) {
      ThrowMalformed(kProtocol, response, "an id list mixes <long> items of two namespaces");
    }
    const auto& items = in->long_.empty() ? in->arr__long : in->long_;
    out.reserve(items.size());
    for (const LONG64* id : items) {
      out.push_back(id != nullptr ? std::optional<std::int64_t>(*id) : std::nullopt);
    }
    return out;
  }

  // Serialises one request envelope with `send` and wraps it as an HTTP request.
  template <typename SendFn>
  HttpRequest Send(const CallTarget& target, const char* action, SendFn send) {
    std::ostringstream body;
    BeginSend(target, body);
    if (send() != SOAP_OK) {
      throw Error(ErrorKind::kUsage, std::string("SOAP request ") + action +
                                         " could not be encoded: " + GsoapMessage(soap_));
    }
    return MakeRequest(target, action, std::move(body).str());
  }

  void BeginSend(const CallTarget& target, std::ostringstream& body) {
    header_values_[0] = target.credentials.access_token;
    header_values_[1] = target.credentials.account_id;
    header_values_[2] = target.credentials.customer_id;
    header_values_[3] = target.credentials.developer_token;
    soap_->header = soap_new_SOAP_ENV__Header(soap_);
    soap_->header->cm__AuthenticationToken = &header_values_[0];
    soap_->header->cm__CustomerAccountId = &header_values_[1];
    soap_->header->cm__CustomerId = &header_values_[2];
    soap_->header->cm__DeveloperToken = &header_values_[3];
    soap_->os = &body;
  }

  HttpRequest MakeRequest(const CallTarget& target, const char* action, std::string body) const {
    HttpRequest request;
    request.method = "POST";
    request.url = target.base_url + std::string(kSoapServicePath);
    request.headers = {{"Content-Type", "text/xml; charset=utf-8"},
                       {"SOAPAction", std::string("\"") + action + "\""}};
    request.body = std::move(body);
    return request;
  }

  std::string TrackingId() const {
    if (soap_->header != nullptr && soap_->header->cm__TrackingId != nullptr) {
      return Checked(*soap_->header->cm__TrackingId);
    }
    return {};
  }

  // Reads the envelope in the response body into `decoded`, like the generated soap_recv_
  // functions, but insists on the response element: gSOAP's own receive accepts an empty Body (or a
  // SOAP 1.2 envelope) as an empty success, which would be a silent wrong answer. Throws ApiFault
  // for a fault and Error for anything else that is not this operation's SOAP 1.1 response.
  template <typename Result, typename Response>
  Result Receive(Response& decoded, const char* tag, const HttpResponse& response) {
    if (response.body.empty()) ThrowMalformed(kProtocol, response, "empty body");
    // Refused before gSOAP sees it: a DTD (gSOAP would turn each entity into U+007F), text that
    // is not UTF-8 or XML, references to no XML character. References gSOAP would misread are
    // written shorter first.
    const XmlTextCheck check = CheckXmlText(response.body);
    if (check.problem) ThrowMalformed(kProtocol, response, *check.problem);
    const std::string shortened =
        check.long_references ? ShortenReferences(response.body) : std::string();
    BodyReader buffer(check.long_references ? shortened : response.body);
    std::istream body(&buffer);
    soap_->is = &body;
    decoded.soap_default(soap_);
    int rc = SOAP_OK;
    bool present = false;
    bool in_body = false;
    if (soap_begin_recv(soap_) || soap_envelope_begin_in(soap_) || soap_recv_header(soap_) ||
        soap_body_begin_in(soap_)) {
      rc = soap_closesock(soap_);
    } else if (decoded.soap_in(soap_, tag, nullptr) == nullptr) {
      in_body = soap_->error == SOAP_TAG_MISMATCH || soap_->error == SOAP_NO_TAG;
      rc = soap_recv_fault(soap_, 0);
    } else {
      present = true;
      if (soap_body_end_in(soap_) || soap_envelope_end_in(soap_) || soap_end_recv(soap_)) {
        rc = soap_closesock(soap_);
      }
    }
    if (rc == SOAP_OK && soap_->version != 1) {
      ThrowMalformed(kProtocol, response, "a SOAP 1.2 envelope; the service speaks SOAP 1.1");
    }
    if (rc == SOAP_FAULT) ThrowFault(response);
    if (!present && (rc == SOAP_OK || in_body)) {
      ThrowMalformed(kProtocol, response, std::string("the Body holds no <") + (tag + 3) + ">");
    }
    if (rc != SOAP_OK) {
      ThrowMalformed(kProtocol, response, "not a SOAP response (" + GsoapMessage(soap_) + ")");
    }
    if (response.status < 200 || response.status > 299) {
      ThrowMalformed(kProtocol, response, "a response document with a non-success HTTP status");
    }
    Result result;
    result.PartialErrors = ToPartialErrors(decoded.PartialErrors);
    result.TrackingIds.push_back(TrackingId());
    return result;
  }

  [[noreturn]] void ThrowFault(const HttpResponse& response) {
    FaultDetail detail;
    const SOAP_ENV__Fault* fault = soap_->fault;
    if (fault != nullptr && fault->faultstring != nullptr)
      detail.FaultString = Checked(fault->faultstring);
    const SOAP_ENV__Detail* d = fault != nullptr ? fault->detail : nullptr;
    if (d != nullptr && d->adapi__AdApiFaultDetail_ != nullptr) {
      const auto& f = *d->adapi__AdApiFaultDetail_;
      detail.Type = "AdApiFaultDetail";
      if (f.TrackingId != nullptr) detail.TrackingId = Checked(*f.TrackingId);
      if (f.Errors != nullptr) {
        for (const adapi__AdApiError* e : f.Errors->AdApiError) {
          if (e == nullptr) continue;
          detail.Errors.push_back({e->Code != nullptr ? *e->Code : 0, Opt(e->Detail),
                                   Opt(e->ErrorCode), Opt(e->Message)});
        }
      }
    } else if (d != nullptr && d->cm__ApiFaultDetail_ != nullptr) {
      const auto& f = *d->cm__ApiFaultDetail_;
      detail.Type = "ApiFaultDetail";
      if (f.TrackingId != nullptr) detail.TrackingId = Checked(*f.TrackingId);
      detail.BatchErrors = ToPartialErrors(f.BatchErrors);
      if (f.OperationErrors != nullptr) {
        for (const cm__OperationError* e : f.OperationErrors->OperationError) {
          if (e == nullptr) continue;
          detail.OperationErrors.push_back({e->Code != nullptr ? *e->Code : 0, Opt(e->Details),
                                            Opt(e->ErrorCode), Opt(e->Message)});
        }
      }
    } else if (d != nullptr && d->__any != nullptr) {
      detail.RawDetail = Checked(d->__any);
      const char* open = std::strchr(d->__any, '<');
      if (open != nullptr) {
        const std::size_t len = std::strcspn(open + 1, " />\t\r\n");
        std::string name(open + 1, len);
        const auto colon = name.find(':');
        detail.Type = colon == std::string::npos ? name : name.substr(colon + 1);
      }
    }
    if (detail.TrackingId.empty()) detail.TrackingId = TrackingId();
    if (detail.TrackingId.empty()) detail.TrackingId = response.Header("TrackingId").value_or("");
    throw ApiFault(std::move(detail), response.status);
  }

  struct soap* soap_;
  bool fast_path_;
  std::string header_values_[4];
};

}  // namespace

std::unique_ptr<Codec> MakeSoapCodec(bool fast_path) {
  return std::make_unique<SoapCodec>(fast_path);
}

}  // namespace bingads::internal
