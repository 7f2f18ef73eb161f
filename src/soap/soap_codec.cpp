// SOAP 1.1 codec: gSOAP stubs generated from wsdl/ serialise and parse envelopes in memory; the
// bytes travel over the shared HTTP transport. gSOAP types never leave this file.
#include <string>

#include "codec.h"
#include "fast_reader.h"
#include "gsoap_session.h"
#include "internal.h"
#include "text.h"

namespace bingads::internal {
namespace {

using gsoap::CallScope;
using gsoap::Checked;
using gsoap::kProtocol;
using gsoap::Opt;

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

class SoapCodec final : public Codec {
 public:
  explicit SoapCodec(bool fast_path)
      : session_(gsoap::Service::kCampaignManagement),
        soap_(session_.get()),
        fast_path_(fast_path) {}

  HttpRequest EncodeGetBudgetsByIds(const CallTarget& target, Ids ids) override {
    CallScope scope(session_);
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
    CallScope scope(session_);
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
    CallScope scope(session_);
    _cm__AddBudgetsRequest request;
    request.Budgets = BudgetList(budgets, /*with_id=*/false);
    return Send(target, "AddBudgets",
                [&] { return soap_send___cm__AddBudgets(soap_, "", "AddBudgets", &request); });
  }

  AddBudgetsResult DecodeAddBudgets(const HttpResponse& response) override {
    CallScope scope(session_);
    _cm__AddBudgetsResponse decoded;
    AddBudgetsResult result = Receive<AddBudgetsResult>(decoded, "cm:AddBudgetsResponse", response);
    result.BudgetIds = NullableIds(decoded.BudgetIds, response);
    return result;
  }

  HttpRequest EncodeUpdateBudgets(const CallTarget& target, Budgets budgets) override {
    CallScope scope(session_);
    _cm__UpdateBudgetsRequest request;
    request.Budgets = BudgetList(budgets, /*with_id=*/true);
    return Send(target, "UpdateBudgets", [&] {
      return soap_send___cm__UpdateBudgets(soap_, "", "UpdateBudgets", &request);
    });
  }

  UpdateBudgetsResult DecodeUpdateBudgets(const HttpResponse& response) override {
    if (UpdateBudgetsResult fast; fast_path_ && FastSoapUpdateBudgets(response, fast)) return fast;
    CallScope scope(session_);
    _cm__UpdateBudgetsResponse decoded;
    return Receive<UpdateBudgetsResult>(decoded, "cm:UpdateBudgetsResponse", response);
  }

  HttpRequest EncodeDeleteBudgets(const CallTarget& target, Ids ids) override {
    CallScope scope(session_);
    _cm__DeleteBudgetsRequest request;
    request.BudgetIds = IdList(ids);
    return Send(target, "DeleteBudgets", [&] {
      return soap_send___cm__DeleteBudgets(soap_, "", "DeleteBudgets", &request);
    });
  }

  DeleteBudgetsResult DecodeDeleteBudgets(const HttpResponse& response) override {
    if (DeleteBudgetsResult fast; fast_path_ && FastSoapDeleteBudgets(response, fast)) return fast;
    CallScope scope(session_);
    _cm__DeleteBudgetsResponse decoded;
    return Receive<DeleteBudgetsResult>(decoded, "cm:DeleteBudgetsResponse", response);
  }

  HttpRequest EncodeGetCampaignIdsByBudgetIds(const CallTarget& target, Ids ids) override {
    CallScope scope(session_);
    _cm__GetCampaignIdsByBudgetIdsRequest request;
    request.BudgetIds = IdList(ids);
    return Send(target, "GetCampaignIdsByBudgetIds", [&] {
      return soap_send___cm__GetCampaignIdsByBudgetIds(soap_, "", "GetCampaignIdsByBudgetIds",
                                                       &request);
    });
  }

  GetCampaignIdsByBudgetIdsResult DecodeGetCampaignIdsByBudgetIds(
      const HttpResponse& response) override {
    CallScope scope(session_);
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

  // Serialises one request envelope with `send` for the Campaign Management endpoint.
  template <typename SendFn>
  HttpRequest Send(const CallTarget& target, const char* action, SendFn send) {
    return session_.Request(target, kSoapServicePath, action, send);
  }

  // Reads this operation's response element into `decoded` (faults throw), and what every
  // response has: PartialErrors and the TrackingId header.
  template <typename Result, typename Response>
  Result Receive(Response& decoded, const char* tag, const HttpResponse& response) {
    session_.Receive(decoded, tag, response);
    Result result;
    result.PartialErrors = gsoap::ToPartialErrors(decoded.PartialErrors);
    result.TrackingIds.push_back(session_.TrackingId());
    return result;
  }

  gsoap::Session session_;
  struct soap* soap_;
  bool fast_path_;
};

}  // namespace

std::unique_ptr<Codec> MakeSoapCodec(bool fast_path) {
  return std::make_unique<SoapCodec>(fast_path);
}

}  // namespace bingads::internal
