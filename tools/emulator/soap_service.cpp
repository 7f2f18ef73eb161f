// The emulator's SOAP front: pugixml in both directions (independent of the client's gSOAP codec).
#include <charconv>
#include <pugixml.hpp>
#include <sstream>

#include "fronts.h"
#include "reporting.h"
#include "text.h"
#include "xml_names.h"
#include "xml_text.h"

namespace bingads::emulator {
namespace {

constexpr const char* kSoapEnv = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr const char* kSoap12Env = "http://www.w3.org/2003/05/soap-envelope";
constexpr const char* kXsi = "http://www.w3.org/2001/XMLSchema-instance";
constexpr const char* kCm = "https://bingads.microsoft.com/CampaignManagement/v13";
constexpr const char* kAdapi = "https://adapi.microsoft.com";
constexpr const char* kRep = "https://bingads.microsoft.com/Reporting/v13";
constexpr const char* kArrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";
constexpr const char* kGeneric =
    "http://schemas.datacontract.org/2004/07/System.Collections.Generic";

// A request the emulator refuses, with the SOAP faultcode to use.
struct BadRequest {
  std::string faultcode;
  std::string message;
};

// xsi:nil="true" with whatever prefix the sender bound to the XSI namespace.
bool IsNil(const pugi::xml_node& node) {
  for (auto a : node.attributes()) {
    std::string_view name = a.name();
    const auto colon = name.find(':');
    if (colon == std::string_view::npos || name.substr(colon + 1) != "nil") continue;
    if (NamespaceOf(node, name) == kXsi) {
      std::string_view v = a.value();
      return v == "true" || v == "1";
    }
  }
  return false;
}

std::string Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::int64_t> ReadLongs(const pugi::xml_node& list, const char* list_name) {
  std::vector<std::int64_t> ids;
  for (auto child : list.children()) {
    if (child.type() != pugi::node_element) continue;
    if (!Is(child, kArrays, "long")) {
      throw BadRequest{"s:Client", std::string(list_name) + " may hold only <long> items in " +
                                       kArrays + "; got <" + child.name() + "> in '" +
                                       NamespaceOf(child) + "'"};
    }
    const std::string text = Trim(child.text().get());
    const auto value = internal::ParseWhole<std::int64_t>(text);
    if (!value) {
      throw BadRequest{"s:Client", std::string(list_name) + " item " + std::to_string(ids.size()) +
                                       " is not an xs:long: '" + text.substr(0, 40) + "'"};
    }
    ids.push_back(*value);
  }
  return ids;
}

// ---- writing ------------------------------------------------------------------------------------

void Text(pugi::xml_node parent, const char* name, const std::optional<std::string>& value) {
  auto e = parent.append_child(name);
  if (value) {
    e.text().set(value->c_str());
  } else {
    e.append_attribute("i:nil") = "true";
  }
}

void Int(pugi::xml_node parent, const char* name, std::int64_t value) {
  parent.append_child(name).text().set(std::to_string(value).c_str());
}

void WriteBudget(pugi::xml_node parent, const std::optional<Budget>& budget) {
  auto node = parent.append_child("Budget");
  if (!budget) {
    node.append_attribute("i:nil") = "true";
    return;
  }
  Text(node, "Amount", budget->Amount ? std::optional(budget->Amount->Text()) : std::nullopt);
  Text(node, "AssociationCount",
       budget->AssociationCount ? std::optional(std::to_string(*budget->AssociationCount))
                                : std::nullopt);
  Text(node, "BudgetType", internal::TypeText(budget->BudgetType));
  Text(node, "Id", budget->Id ? std::optional(std::to_string(*budget->Id)) : std::nullopt);
  Text(node, "Name", budget->Name);
}

void WriteBatchErrors(pugi::xml_node list, const std::vector<PartialError>& errors) {
  for (const PartialError& pe : errors) {
    const BatchError& e = BaseOf(pe);
    auto node = list.append_child("BatchError");
    const auto* editorial = std::get_if<EditorialError>(&pe);
    if (editorial != nullptr) node.append_attribute("i:type") = "EditorialError";
    Int(node, "Code", e.Code);
    Text(node, "Details", e.Details);
    Text(node, "ErrorCode", e.ErrorCode);
    Text(node, "FieldPath", e.FieldPath);
    auto map = node.append_child("ForwardCompatibilityMap");
    map.append_attribute("xmlns:a") = kGeneric;
    for (const auto& kv : e.ForwardCompatibilityMap) {
      auto pair = map.append_child("a:KeyValuePairOfstringstring");
      Text(pair, "a:key", kv.Key);
      Text(pair, "a:value", kv.Value);
    }
    Int(node, "Index", e.Index);
    Text(node, "Message", e.Message);
    Text(node, "Type", e.Type);
    if (editorial != nullptr) {
      Text(node, "Appealable",
           editorial->Appealable
               ? std::optional<std::string>(*editorial->Appealable ? "true" : "false")
               : std::nullopt);
      Text(node, "DisapprovedText", editorial->DisapprovedText);
      Text(node, "Location", editorial->Location);
      Text(node, "PublisherCountry", editorial->PublisherCountry);
      Int(node, "ReasonCode", editorial->ReasonCode);
    }
  }
}

std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  return out.str();
}

// <s:Envelope><s:Header><h:TrackingId/></s:Header><s:Body/></s:Envelope>; returns the Body.
pugi::xml_node Envelope(pugi::xml_document& doc, const std::string& tracking_id,
                        const char* ns = kCm) {
  auto env = doc.append_child("s:Envelope");
  env.append_attribute("xmlns:s") = kSoapEnv;
  if (!tracking_id.empty()) {
    auto id = env.append_child("s:Header").append_child("h:TrackingId");
    id.append_attribute("xmlns:h") = ns;
    id.text().set(tracking_id.c_str());
  }
  return env.append_child("s:Body");
}

Reply FaultReply(const std::string& faultcode, const std::string& faultstring,
                 const FaultDetail* detail, const std::string& tracking_id, int status = 500,
                 const char* ns = kCm) {
  pugi::xml_document doc;
  auto fault = Envelope(doc, "").append_child("s:Fault");
  auto code = fault.append_child("faultcode");
  if (faultcode.rfind("a:", 0) == 0) {
    code.append_attribute("xmlns:a") = "http://schemas.microsoft.com/ws/2005/05/addressing/none";
  }
  code.text().set(faultcode.c_str());
  auto fs = fault.append_child("faultstring");
  fs.append_attribute("xml:lang") = "en-US";
  fs.text().set(faultstring.c_str());
  if (detail != nullptr) {
    auto d = fault.append_child("detail");
    if (detail->Type == "AdApiFaultDetail") {
      auto f = d.append_child("AdApiFaultDetail");
      f.append_attribute("xmlns") = kAdapi;
      f.append_attribute("xmlns:i") = kXsi;
      Text(f, "TrackingId", detail->TrackingId);
      auto errors = f.append_child("Errors");
      for (const auto& e : detail->Errors) {
        auto n = errors.append_child("AdApiError");
        Int(n, "Code", e.Code);
        Text(n, "Detail", e.Detail);
        Text(n, "ErrorCode", e.ErrorCode);
        Text(n, "Message", e.Message);
      }
    } else {
      auto f = d.append_child("ApiFaultDetail");
      f.append_attribute("xmlns") = ns;
      f.append_attribute("xmlns:i") = kXsi;
      auto id = f.append_child("TrackingId");
      id.append_attribute("xmlns") = kAdapi;
      id.text().set(detail->TrackingId.c_str());
      WriteBatchErrors(f.append_child("BatchErrors"), detail->BatchErrors);
      auto ops = f.append_child("OperationErrors");
      for (const auto& e : detail->OperationErrors) {
        auto n = ops.append_child("OperationError");
        Int(n, "Code", e.Code);
        Text(n, "Details", e.Details);
        Text(n, "ErrorCode", e.ErrorCode);
        Text(n, "Message", e.Message);
      }
    }
  }
  return {status, "text/xml; charset=utf-8", Serialize(doc), tracking_id, {}};
}

// Service faults go out with HTTP 500, or 200 when the emulator imitates that observed quirk.
Reply ServiceFault(const Fault& fault, bool with_200, const char* ns = kCm) {
  Reply reply =
      FaultReply("s:Server",
                 "Invalid client data. Check the SOAP fault details for more information. "
                 "TrackingId: " +
                     fault.detail.TrackingId + ".",
                 &fault.detail, fault.detail.TrackingId, with_200 ? 200 : 500, ns);
  if (fault.retry_after_seconds) {
    reply.headers.emplace_back("Retry-After", std::to_string(*fault.retry_after_seconds));
  }
  return reply;
}

// ---- operations ---------------------------------------------------------------------------------

constexpr const char* kSystem = "http://schemas.datacontract.org/2004/07/System";

// The single optional child of a request wrapper, e.g. BudgetIds; unknown children are refused.
pugi::xml_node OnlyChild(const pugi::xml_node& request, const char* name) {
  pugi::xml_node found;
  for (auto child : request.children()) {
    if (child.type() != pugi::node_element) continue;
    if (!Is(child, kCm, name) || found) {
      throw BadRequest{"s:Client", std::string("unexpected element <") + child.name() + "> in " +
                                       std::string(LocalName(request))};
    }
    found = child;
  }
  return found;
}

IdList ReadIdList(const pugi::xml_node& request) {
  const auto list = OnlyChild(request, "BudgetIds");
  if (!list || IsNil(list)) return std::nullopt;
  return ReadLongs(list, "BudgetIds");
}

// Budget fields must come in schema order; each may be nil.
Budget ReadBudget(const pugi::xml_node& node, std::size_t index) {
  static const char* const kOrder[] = {"Amount", "AssociationCount", "BudgetType", "Id", "Name"};
  Budget b;
  std::size_t next = 0;
  const std::string where = "Budgets[" + std::to_string(index) + "]";
  for (auto field : node.children()) {
    if (field.type() != pugi::node_element) continue;
    const std::string_view name = LocalName(field);
    std::size_t position = next;
    while (position < std::size(kOrder) && name != kOrder[position]) ++position;
    if (position == std::size(kOrder) || NamespaceOf(field) != kCm) {
      throw BadRequest{"s:Client", where + ": unexpected or out-of-order element <" +
                                       std::string(field.name()) + ">"};
    }
    next = position + 1;
    if (IsNil(field)) continue;
    const std::string text = field.text().get();
    const std::string value = Trim(text);
    auto bad = [&](const char* what) {
      return BadRequest{"s:Client", where + "." + std::string(name) + " is not " + what + ": '" +
                                        value.substr(0, 40) + "'"};
    };
    if (name == "Amount") {
      b.Amount = Decimal::Parse(value);
      if (!b.Amount) throw bad("an xs:decimal");
    } else if (name == "AssociationCount") {
      b.AssociationCount = internal::ParseWhole<std::int32_t>(value);
      if (!b.AssociationCount) throw bad("an xs:int");
    } else if (name == "BudgetType") {
      if (!budget_type::IsKnown(value)) throw bad("a BudgetLimitType");
      b.BudgetType = value;
    } else if (name == "Id") {
      b.Id = internal::ParseWhole<std::int64_t>(value);
      if (!b.Id) throw bad("an xs:long");
    } else {
      b.Name = text;  // xs:string keeps its whitespace
    }
  }
  return b;
}

BudgetList ReadBudgetList(const pugi::xml_node& request) {
  const auto list = OnlyChild(request, "Budgets");
  if (!list || IsNil(list)) return std::nullopt;
  std::vector<std::optional<Budget>> budgets;
  for (auto item : list.children()) {
    if (item.type() != pugi::node_element) continue;
    if (!Is(item, kCm, "Budget")) {
      throw BadRequest{"s:Client", std::string("Budgets may hold only <Budget> items; got <") +
                                       item.name() + ">"};
    }
    if (IsNil(item)) {
      budgets.emplace_back();
    } else {
      budgets.emplace_back(ReadBudget(item, budgets.size()));
    }
  }
  return budgets;
}

void WriteNullableIds(pugi::xml_node list, const std::vector<std::optional<std::int64_t>>& ids) {
  list.append_attribute("xmlns:a") = kSystem;
  for (const auto& id : ids) {
    auto item = list.append_child("a:long");
    if (id) {
      item.text().set(std::to_string(*id).c_str());
    } else {
      item.append_attribute("i:nil") = "true";
    }
  }
}

// <OpResponse xmlns=cm> with its payload written by `payload`, then PartialErrors.
template <typename Result, typename Payload>
Reply Respond(const Outcome<Result>& outcome, const char* response_name,
              const std::string& tracking_id, bool faults_with_200, Payload payload) {
  if (const auto* fault = std::get_if<Fault>(&outcome))
    return ServiceFault(*fault, faults_with_200);
  const Result& result = std::get<Result>(outcome);
  pugi::xml_document doc;
  auto response = Envelope(doc, tracking_id).append_child(response_name);
  response.append_attribute("xmlns") = kCm;
  payload(response, result);
  auto errors = response.append_child("PartialErrors");
  errors.append_attribute("xmlns:i") = kXsi;
  WriteBatchErrors(errors, result.PartialErrors);
  return {200, "text/xml; charset=utf-8", Serialize(doc), tracking_id, {}};
}

Reply Dispatch(BudgetService& service, const std::string& operation, const RequestContext& context,
               const pugi::xml_node& request, const std::string& tracking_id) {
  const bool with_200 = service.Options().soap_faults_with_200;
  auto nothing = [](pugi::xml_node, const BatchResult&) {};
  if (operation == "GetBudgetsByIds") {
    return Respond(service.GetBudgetsByIds(context, ReadIdList(request), tracking_id),
                   "GetBudgetsByIdsResponse", tracking_id, with_200,
                   [](pugi::xml_node response, const GetBudgetsByIdsResult& r) {
                     auto budgets = response.append_child("Budgets");
                     budgets.append_attribute("xmlns:i") = kXsi;
                     for (const auto& b : r.Budgets) WriteBudget(budgets, b);
                   });
  }
  if (operation == "AddBudgets") {
    return Respond(service.AddBudgets(context, ReadBudgetList(request), tracking_id),
                   "AddBudgetsResponse", tracking_id, with_200,
                   [](pugi::xml_node response, const AddBudgetsResult& r) {
                     auto ids = response.append_child("BudgetIds");
                     ids.append_attribute("xmlns:i") = kXsi;
                     WriteNullableIds(ids, r.BudgetIds);
                   });
  }
  if (operation == "UpdateBudgets") {
    return Respond(service.UpdateBudgets(context, ReadBudgetList(request), tracking_id),
                   "UpdateBudgetsResponse", tracking_id, with_200, nothing);
  }
  if (operation == "DeleteBudgets") {
    return Respond(service.DeleteBudgets(context, ReadIdList(request), tracking_id),
                   "DeleteBudgetsResponse", tracking_id, with_200, nothing);
  }
  return Respond(service.GetCampaignIdsByBudgetIds(context, ReadIdList(request), tracking_id),
                 "GetCampaignIdsByBudgetIdsResponse", tracking_id, with_200,
                 [](pugi::xml_node response, const GetCampaignIdsByBudgetIdsResult& r) {
                   auto list = response.append_child("CampaignIdCollection");
                   list.append_attribute("xmlns:i") = kXsi;
                   for (const auto& collection : r.CampaignIdCollection) {
                     auto item = list.append_child("IdCollection");
                     if (!collection) {
                       item.append_attribute("i:nil") = "true";
                     } else {
                       WriteNullableIds(item.append_child("Ids"), collection->Ids);
                     }
                   }
                 });
}

}  // namespace

Reply SoapFault(const std::string& faultcode, const std::string& faultstring) {
  return FaultReply(faultcode, faultstring, nullptr, "");
}

Reply SoapServiceFault(const Fault& fault, bool with_200) { return ServiceFault(fault, with_200); }

namespace {

// The request's envelope: checked text, well-formed XML, a SOAP 1.1 Envelope.
pugi::xml_node ParseEnvelope(pugi::xml_document& doc, const std::string& body) {
  // A DTD is refused unread (pugixml would keep its entities as literal text), and so is text
  // that is not UTF-8 or not XML's.
  if (auto problem = internal::CheckXmlText(body).problem) {
    throw BadRequest{"s:Client", "the request is not acceptable XML: " + *problem};
  }
  const auto parsed =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    throw BadRequest{"s:Client", std::string("the request is not well-formed XML: ") +
                                     parsed.description() + " at offset " +
                                     std::to_string(parsed.offset)};
  }
  const auto env = doc.document_element();
  if (LocalName(env) != "Envelope")
    throw BadRequest{"s:Client", "the root element is not a SOAP Envelope"};
  const std::string env_ns = NamespaceOf(env);
  if (env_ns == kSoap12Env)
    throw BadRequest{"s:VersionMismatch", "SOAP 1.2 envelopes are not accepted; use SOAP 1.1"};
  if (env_ns != kSoapEnv)
    throw BadRequest{"s:VersionMismatch", "unknown envelope namespace '" + env_ns + "'"};
  return env;
}

// The credentials of a SOAP Header; a header marked mustUnderstand that the contract does not
// have is refused, as SOAP 1.1 requires.
void ReadHeaders(pugi::xml_node header, RequestContext& context, const char* ns) {
  for (auto h : header.children()) {
    if (h.type() != pugi::node_element) continue;
    const std::string_view name = LocalName(h);
    const bool ours = NamespaceOf(h) == ns;
    std::string* slot = nullptr;
    if (ours && name == "AuthenticationToken") slot = &context.authentication_token;
    if (ours && name == "DeveloperToken") slot = &context.developer_token;
    if (ours && name == "CustomerId") slot = &context.customer_id;
    if (ours && name == "CustomerAccountId") slot = &context.account_id;
    if (slot != nullptr) {
      *slot = IsNil(h) ? "" : Trim(h.text().get());
      continue;
    }
    // Headers of the v13 contract we do not use are understood.
    const bool known = ours && (name == "ApplicationToken" || name == "UserName" ||
                                name == "Password" || name == "Action");
    bool must = false;
    for (auto a : h.attributes()) {
      std::string_view an = a.name();
      const auto colon = an.find(':');
      if (colon != std::string_view::npos && an.substr(colon + 1) == "mustUnderstand" &&
          NamespaceOf(h, an) == kSoapEnv) {
        must = std::string_view(a.value()) == "1" || std::string_view(a.value()) == "true";
      }
    }
    if (must && !known) {
      throw BadRequest{"s:MustUnderstand", std::string("header <") + h.name() + "> in '" +
                                               NamespaceOf(h) + "' was not understood"};
    }
  }
}

// The operation the Body's element asks for, which the SOAPAction must name too.
std::string RequestedOperation(pugi::xml_node request, std::string_view soap_action, const char* ns,
                               const std::vector<std::string>& operations) {
  std::string action(soap_action);
  if (action.size() >= 2 && action.front() == '"' && action.back() == '"')
    action = action.substr(1, action.size() - 2);
  const std::string expected = std::string(LocalName(request));
  if (NamespaceOf(request) != ns) {
    throw BadRequest{"s:Client", "body element <" + expected + "> is not in the namespace " + ns};
  }
  for (const std::string& operation : operations) {
    if (expected != operation + "Request") continue;
    if (action != operation) {
      throw BadRequest{
          "a:ActionNotSupported",
          "SOAPAction '" + action + "' does not match body element <" + expected + ">"};
    }
    return operation;
  }
  throw BadRequest{"a:ActionNotSupported", "operation '" + action + "' (body <" + expected +
                                               ">) is not supported by this emulator"};
}

// ---- the Reporting service ----------------------------------------------------------------------

// The children of a reporting element, by local name (each in the reporting namespace, or
// the arrays one for <long>); nil ones left out.
std::vector<pugi::xml_node> Children(const pugi::xml_node& parent) {
  std::vector<pugi::xml_node> out;
  for (auto child : parent.children()) {
    if (child.type() == pugi::node_element && !IsNil(child)) out.push_back(child);
  }
  return out;
}

std::int64_t ReadLong(const pugi::xml_node& node, const std::string& what) {
  const std::string text = Trim(node.text().get());
  const auto value = internal::ParseWhole<std::int64_t>(text);
  if (!value)
    throw BadRequest{"s:Client", what + " is not a 64-bit integer: '" + text.substr(0, 40) + "'"};
  return *value;
}

Date ReadDateXml(const pugi::xml_node& node, const std::string& what) {
  Date d;
  for (auto part : Children(node)) {
    const std::string_view name = LocalName(part);
    const auto n = internal::ParseWhole<int>(Trim(part.text().get()));
    if (!n)
      throw BadRequest{"s:Client", "The value '" + Trim(part.text().get()).substr(0, 20) +
                                       "' cannot be parsed as the type 'Int32' (" + what + ")"};
    if (name == "Day") d.Day = *n;
    if (name == "Month") d.Month = *n;
    if (name == "Year") d.Year = *n;
  }
  const auto valid = Date::Parse(d.ToString());
  if (!valid) throw BadRequest{"s:Client", what + " is no calendar day"};
  return *valid;
}

void ReadScopeXml(const pugi::xml_node& scope, ReportRequest& r) {
  for (auto part : Children(scope)) {
    if (LocalName(part) == "AccountIds") {
      for (std::int64_t id : ReadLongs(part, "AccountIds")) r.AccountIds.push_back(id);
    } else if (LocalName(part) == "Campaigns") {
      for (auto c : Children(part)) {
        std::int64_t account = 0, campaign = 0;
        for (auto f : Children(c)) {
          if (LocalName(f) == "AccountId") account = ReadLong(f, "CampaignReportScope.AccountId");
          if (LocalName(f) == "CampaignId")
            campaign = ReadLong(f, "CampaignReportScope.CampaignId");
        }
        r.Campaigns.emplace_back(account, campaign);
      }
    }
  }
}

void ReadTimeXml(const pugi::xml_node& time, ReportRequest& r) {
  for (auto part : Children(time)) {
    const std::string_view name = LocalName(part);
    if (name == "CustomDateRangeEnd")
      r.CustomDateRangeEnd = ReadDateXml(part, "CustomDateRangeEnd");
    if (name == "CustomDateRangeStart")
      r.CustomDateRangeStart = ReadDateXml(part, "CustomDateRangeStart");
    if (name == "PredefinedTime") r.PredefinedTime = Trim(part.text().get());
    if (name == "ReportTimeZone") r.ReportTimeZone = Trim(part.text().get());
  }
}

// <ReportRequest i:type="...">: the derived type from xsi:type, which must be in our namespace.
std::string DerivedType(const pugi::xml_node& node) {
  for (auto a : node.attributes()) {
    const std::string_view name = a.name();
    if (LocalName(name) != "type" || NamespaceOf(node, name) != kXsi) continue;
    if (NamespaceOf(node, a.value()) != kRep) {
      throw BadRequest{"s:Client", std::string("the ReportRequest type '") + a.value() +
                                       "' is not in the namespace " + kRep};
    }
    return std::string(LocalName(std::string_view(a.value())));
  }
  return "ReportRequest";  // the base type, which the service refuses (2002)
}

SubmittedReport ReadSubmitXml(const pugi::xml_node& request) {
  SubmittedReport s;
  pugi::xml_node node;
  for (auto child : Children(request)) {
    if (Is(child, kRep, "ReportRequest")) node = child;
  }
  if (!node) return s;
  s.present = true;
  ReportRequest& r = s.request;
  r.Type = DerivedType(node);
  for (auto part : Children(node)) {
    const std::string_view name = LocalName(part);
    const std::string text = Trim(part.text().get());
    if (name == "ExcludeColumnHeaders") s.exclude_column_headers = text == "true";
    if (name == "ExcludeReportFooter") s.exclude_report_footer = text == "true";
    if (name == "ExcludeReportHeader") s.exclude_report_header = text == "true";
    if (name == "ReturnOnlyCompleteData") s.return_only_complete_data = text == "true";
    if (name == "Format") s.format = text;
    if (name == "ReportName") r.ReportName = text;
    if (name == "Aggregation") r.Aggregation = text;
    if (name == "Columns") {
      for (auto c : Children(part)) r.Columns.push_back(Trim(c.text().get()));
    }
    if (name == "Scope") ReadScopeXml(part, r);
    if (name == "Time") ReadTimeXml(part, r);
  }
  return s;
}

Reply DispatchReporting(BudgetService& service, const std::string& operation,
                        const RequestContext& context, const pugi::xml_node& request,
                        const std::string& base_url, const std::string& tracking_id) {
  const bool with_200 = service.Options().soap_faults_with_200;
  pugi::xml_document doc;
  auto body = Envelope(doc, tracking_id, kRep);
  if (operation == "SubmitGenerateReport") {
    const auto outcome = service.Reports().Submit(context, ReadSubmitXml(request), tracking_id);
    if (const auto* fault = std::get_if<Fault>(&outcome))
      return ServiceFault(*fault, with_200, kRep);
    auto response = body.append_child("SubmitGenerateReportResponse");
    response.append_attribute("xmlns") = kRep;
    response.append_child("ReportRequestId").text().set(std::get<std::string>(outcome).c_str());
  } else {
    std::string id;
    for (auto child : Children(request)) {
      if (Is(child, kRep, "ReportRequestId")) id = Trim(child.text().get());
    }
    const auto outcome = service.Reports().Poll(context, id, base_url, tracking_id);
    if (const auto* fault = std::get_if<Fault>(&outcome))
      return ServiceFault(*fault, with_200, kRep);
    const PollAnswer& answer = std::get<PollAnswer>(outcome);
    auto response = body.append_child("PollGenerateReportResponse");
    response.append_attribute("xmlns") = kRep;
    auto status = response.append_child("ReportRequestStatus");
    status.append_attribute("xmlns:i") = kXsi;
    Text(status, "ReportDownloadUrl", answer.download_url);
    status.append_child("Status").text().set(answer.status.c_str());
  }
  return {200, "text/xml; charset=utf-8", Serialize(doc), tracking_id, {}};
}

// A SOAP request of one service (namespace `ns`, `operations`): its content type, envelope,
// headers and operation checked, then `dispatch(operation, context, request, tracking_id)`.
template <typename Dispatch>
Reply Serve(std::string_view content_type, std::string_view soap_action, const std::string& body,
            const char* ns, const std::vector<std::string>& operations, Dispatch dispatch) {
  const std::string tracking_id = BudgetService::NewTrackingId();
  if (content_type.find("text/xml") == std::string_view::npos) {
    // WCF's BasicHttpBinding answers SOAP 1.2 or non-XML content types this way.
    return {415,
            "text/plain; charset=utf-8",
            "Cannot process the message because the content type '" + std::string(content_type) +
                "' was not the expected type 'text/xml; charset=utf-8'.",
            tracking_id,
            {}};
  }
  try {
    pugi::xml_document doc;
    const pugi::xml_node env = ParseEnvelope(doc, body);
    RequestContext context;
    pugi::xml_node body_node;
    for (auto part : env.children()) {
      if (part.type() != pugi::node_element) continue;
      if (Is(part, kSoapEnv, "Header")) ReadHeaders(part, context, ns);
      if (Is(part, kSoapEnv, "Body")) body_node = part;
    }
    if (!body_node) throw BadRequest{"s:Client", "the envelope has no Body"};
    pugi::xml_node request = body_node.find_child(
        [](const pugi::xml_node& n) { return n.type() == pugi::node_element; });
    if (!request) throw BadRequest{"s:Client", "the Body is empty"};
    return dispatch(RequestedOperation(request, soap_action, ns, operations), context, request,
                    tracking_id);
  } catch (const BadRequest& bad) {
    return FaultReply(bad.faultcode, bad.message, nullptr, tracking_id, 500, ns);
  }
}

}  // namespace

Reply HandleSoap(BudgetService& service, std::string_view content_type,
                 std::string_view soap_action, const std::string& body) {
  static const std::vector<std::string> kOperations = {"AddBudgets", "UpdateBudgets",
                                                       "DeleteBudgets", "GetBudgetsByIds",
                                                       "GetCampaignIdsByBudgetIds"};
  return Serve(content_type, soap_action, body, kCm, kOperations,
               [&service](const std::string& operation, const RequestContext& context,
                          const pugi::xml_node& request, const std::string& tracking_id) {
                 return Dispatch(service, operation, context, request, tracking_id);
               });
}

Reply HandleSoapReporting(BudgetService& service, std::string_view content_type,
                          std::string_view soap_action, const std::string& body,
                          const std::string& base_url) {
  static const std::vector<std::string> kOperations = {"SubmitGenerateReport",
                                                       "PollGenerateReport"};
  return Serve(content_type, soap_action, body, kRep, kOperations,
               [&](const std::string& operation, const RequestContext& context,
                   const pugi::xml_node& request, const std::string& tracking_id) {
                 return DispatchReporting(service, operation, context, request, base_url,
                                          tracking_id);
               });
}

}  // namespace bingads::emulator
