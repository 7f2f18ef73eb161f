// Protocol parity: field-by-field comparison of SOAP and REST results, and the harness that runs
// the same work over both protocols and measures what each costs.
#include <bingads/json.h>
#include <bingads/parity.h>
#include <time.h>

#include <algorithm>
#include <map>

#include "text.h"

namespace bingads {
namespace {

constexpr const char* kEmpty = "(empty)";
constexpr const char* kUnset = "(unset)";

std::string Text(const std::optional<std::string>& v) { return v ? "\"" + *v + "\"" : kUnset; }
std::string Text(const std::optional<BudgetLimitType>& v) { return Text(internal::TypeText(v)); }
template <typename T>
std::string Number(const std::optional<T>& v) {
  return v ? std::to_string(*v) : kUnset;
}

std::string StripSuffix(const std::optional<std::string>& name, const std::string& suffix) {
  if (!name) return kUnset;
  if (!suffix.empty() && name->size() >= suffix.size() &&
      name->compare(name->size() - suffix.size(), suffix.size(), suffix) == 0) {
    return "\"" + name->substr(0, name->size() - suffix.size()) + "\"";
  }
  return "\"" + *name + "\"";
}

class Differ {
 public:
  explicit Differ(const CompareRules& rules) : rules_(rules) {}

  void Field(const std::string& where, const std::string& soap, const std::string& rest) {
    if (soap != rest) report_.differences.push_back({where, soap, rest});
  }

  void Budgets(const std::vector<std::optional<Budget>>& soap,
               const std::vector<std::optional<Budget>>& rest) {
    Field("Budgets.length", std::to_string(soap.size()), std::to_string(rest.size()));
    for (std::size_t i = 0; i < std::min(soap.size(), rest.size()); ++i) {
      const std::string at = "Budgets[" + std::to_string(i) + "]";
      if (!soap[i] || !rest[i]) {
        Field(at, soap[i] ? "Budget" : kEmpty, rest[i] ? "Budget" : kEmpty);
        continue;
      }
      const Budget& s = *soap[i];
      const Budget& r = *rest[i];
      Field(at + ".Amount", s.Amount ? s.Amount->Canonical() : kUnset,
            r.Amount ? r.Amount->Canonical() : kUnset);
      Field(at + ".AssociationCount", Number(s.AssociationCount), Number(r.AssociationCount));
      Field(at + ".BudgetType", Text(s.BudgetType), Text(r.BudgetType));
      if (!rules_.ignore_ids) Field(at + ".Id", Number(s.Id), Number(r.Id));
      Field(at + ".Name", StripSuffix(s.Name, rules_.soap_name_suffix),
            StripSuffix(r.Name, rules_.rest_name_suffix));
    }
  }

  void Ids(const std::string& name, const std::vector<std::optional<std::int64_t>>& soap,
           const std::vector<std::optional<std::int64_t>>& rest) {
    Field(name + ".length", std::to_string(soap.size()), std::to_string(rest.size()));
    for (std::size_t i = 0; i < std::min(soap.size(), rest.size()); ++i) {
      const std::string at = name + "[" + std::to_string(i) + "]";
      if (rules_.ignore_ids) {
        Field(at, soap[i] ? "id" : kEmpty, rest[i] ? "id" : kEmpty);
      } else {
        Field(at, soap[i] ? std::to_string(*soap[i]) : kEmpty,
              rest[i] ? std::to_string(*rest[i]) : kEmpty);
      }
    }
  }

  void PartialErrors(const std::vector<PartialError>& soap, const std::vector<PartialError>& rest) {
    std::map<std::int32_t, std::vector<const PartialError*>> by_index_soap, by_index_rest;
    for (const auto& e : soap) by_index_soap[BaseOf(e).Index].push_back(&e);
    for (const auto& e : rest) by_index_rest[BaseOf(e).Index].push_back(&e);
    std::map<std::int32_t, bool> indexes;
    for (const auto& [i, _] : by_index_soap) indexes[i] = true;
    for (const auto& [i, _] : by_index_rest) indexes[i] = true;
    for (const auto& [index, _] : indexes) {
      const auto& s = by_index_soap[index];
      const auto& r = by_index_rest[index];
      const std::string at = "PartialErrors[Index=" + std::to_string(index) + "]";
      Field(at + ".count", std::to_string(s.size()), std::to_string(r.size()));
      for (std::size_t k = 0; k < std::min(s.size(), r.size()); ++k) {
        One(s.size() > 1 ? at + "#" + std::to_string(k) : at, *s[k], *r[k]);
      }
    }
  }

  ParityReport Take() { return std::move(report_); }

 private:
  static std::string Map(const std::vector<KeyValuePair>& map) {
    std::string out;
    for (const auto& kv : map) out += Text(kv.Key) + "=" + Text(kv.Value) + ";";
    return out;
  }

  void One(const std::string& at, const PartialError& soap, const PartialError& rest) {
    const auto* se = std::get_if<EditorialError>(&soap);
    const auto* re = std::get_if<EditorialError>(&rest);
    Field(at + ".subtype", se ? "EditorialError" : "BatchError",
          re ? "EditorialError" : "BatchError");
    const BatchError& s = BaseOf(soap);
    const BatchError& r = BaseOf(rest);
    Field(at + ".Code", std::to_string(s.Code), std::to_string(r.Code));
    Field(at + ".Details", Text(s.Details), Text(r.Details));
    Field(at + ".ErrorCode", Text(s.ErrorCode), Text(r.ErrorCode));
    Field(at + ".FieldPath", Text(s.FieldPath), Text(r.FieldPath));
    Field(at + ".ForwardCompatibilityMap", Map(s.ForwardCompatibilityMap),
          Map(r.ForwardCompatibilityMap));
    Field(at + ".Message", Text(s.Message), Text(r.Message));
    Field(at + ".Type", Text(s.Type), Text(r.Type));
    if (se && re) {
      Field(at + ".Appealable", se->Appealable ? (*se->Appealable ? "true" : "false") : kUnset,
            re->Appealable ? (*re->Appealable ? "true" : "false") : kUnset);
      Field(at + ".DisapprovedText", Text(se->DisapprovedText), Text(re->DisapprovedText));
      Field(at + ".Location", Text(se->Location), Text(re->Location));
      Field(at + ".PublisherCountry", Text(se->PublisherCountry), Text(re->PublisherCountry));
      Field(at + ".ReasonCode", std::to_string(se->ReasonCode), std::to_string(re->ReasonCode));
    }
  }

  const CompareRules& rules_;
  ParityReport report_;
};

}  // namespace

ParityReport CompareResults(const GetBudgetsByIdsResult& soap, const GetBudgetsByIdsResult& rest,
                            const CompareRules& rules) {
  Differ d(rules);
  d.Budgets(soap.Budgets, rest.Budgets);
  d.PartialErrors(soap.PartialErrors, rest.PartialErrors);
  return d.Take();
}

ParityReport CompareResults(const AddBudgetsResult& soap, const AddBudgetsResult& rest,
                            const CompareRules& rules) {
  Differ d(rules);
  d.Ids("BudgetIds", soap.BudgetIds, rest.BudgetIds);
  d.PartialErrors(soap.PartialErrors, rest.PartialErrors);
  return d.Take();
}

ParityReport CompareResults(const BatchResult& soap, const BatchResult& rest,
                            const CompareRules& rules) {
  Differ d(rules);
  d.PartialErrors(soap.PartialErrors, rest.PartialErrors);
  return d.Take();
}

namespace {

std::string Money(const std::optional<Decimal>& v) { return v ? v->Canonical() : kUnset; }

void Days(Differ& d, const std::string& at, const std::vector<DaySpend>& s,
          const std::vector<DaySpend>& r) {
  d.Field(at + ".length", std::to_string(s.size()), std::to_string(r.size()));
  for (std::size_t i = 0; i < std::min(s.size(), r.size()); ++i) {
    const std::string day = at + "[" + std::to_string(i) + "]";
    d.Field(day + ".date", s[i].date.ToString(), r[i].date.ToString());
    d.Field(day + ".spend", s[i].spend.Canonical(), r[i].spend.Canonical());
  }
}

void Usage(Differ& d, const std::string& at, const BudgetUsage& s, const BudgetUsage& r) {
  d.Field(at + ".budget_id", std::to_string(s.budget_id), std::to_string(r.budget_id));
  d.Field(at + ".name", Text(s.name), Text(r.name));
  d.Field(at + ".amount", Money(s.amount), Money(r.amount));
  d.Field(at + ".budget_type", Text(s.budget_type), Text(r.budget_type));
  d.Field(at + ".currency", s.currency, r.currency);
  d.Field(at + ".spend_today", Money(s.spend_today), Money(r.spend_today));
  d.Field(at + ".month_to_date", s.month_to_date.Canonical(), r.month_to_date.Canonical());
  d.Field(at + ".percent_of_daily_amount", Money(s.percent_of_daily_amount),
          Money(r.percent_of_daily_amount));
  Days(d, at + ".days", s.days, r.days);
  d.Field(at + ".campaigns.length", std::to_string(s.campaigns.size()),
          std::to_string(r.campaigns.size()));
  for (std::size_t i = 0; i < std::min(s.campaigns.size(), r.campaigns.size()); ++i) {
    const std::string c = at + ".campaigns[" + std::to_string(i) + "]";
    d.Field(c + ".campaign_id", std::to_string(s.campaigns[i].campaign_id),
            std::to_string(r.campaigns[i].campaign_id));
    Days(d, c + ".days", s.campaigns[i].days, r.campaigns[i].days);
  }
}

}  // namespace

ParityReport CompareResults(const BudgetUsageResult& soap, const BudgetUsageResult& rest,
                            const CompareRules& rules) {
  Differ d(rules);
  d.Field("Usage.length", std::to_string(soap.Usage.size()), std::to_string(rest.Usage.size()));
  for (std::size_t i = 0; i < std::min(soap.Usage.size(), rest.Usage.size()); ++i) {
    const std::string at = "Usage[" + std::to_string(i) + "]";
    const auto& s = soap.Usage[i];
    const auto& r = rest.Usage[i];
    if (!s || !r) {
      d.Field(at, s ? "BudgetUsage" : kEmpty, r ? "BudgetUsage" : kEmpty);
    } else {
      Usage(d, at, *s, *r);
    }
  }
  const UsageReport& a = soap.report;
  const UsageReport& b = rest.report;
  const auto day = [](const std::optional<Date>& v) { return v ? v->ToString() : kUnset; };
  d.Field("report.first_day", day(a.first_day), day(b.first_day));
  d.Field("report.last_day", day(a.last_day), day(b.last_day));
  d.Field("report.rows", std::to_string(a.rows), std::to_string(b.rows));
  d.Field("report.empty", a.empty ? "true" : "false", b.empty ? "true" : "false");
  d.Field("report.potentially_incomplete", a.potentially_incomplete ? "true" : "false",
          b.potentially_incomplete ? "true" : "false");
  d.Field("report.time_zone", a.time_zone, b.time_zone);
  d.PartialErrors(soap.PartialErrors, rest.PartialErrors);
  return d.Take();
}

ParityReport CompareResults(const GetCampaignIdsByBudgetIdsResult& soap,
                            const GetCampaignIdsByBudgetIdsResult& rest,
                            const CompareRules& rules) {
  Differ d(rules);
  const auto& s = soap.CampaignIdCollection;
  const auto& r = rest.CampaignIdCollection;
  d.Field("CampaignIdCollection.length", std::to_string(s.size()), std::to_string(r.size()));
  for (std::size_t i = 0; i < std::min(s.size(), r.size()); ++i) {
    const std::string at = "CampaignIdCollection[" + std::to_string(i) + "]";
    if (!s[i] || !r[i]) {
      d.Field(at, s[i] ? "IdCollection" : kEmpty, r[i] ? "IdCollection" : kEmpty);
    } else {
      d.Ids(at + ".Ids", s[i]->Ids, r[i]->Ids);
    }
  }
  d.PartialErrors(soap.PartialErrors, rest.PartialErrors);
  return d.Take();
}

}  // namespace bingads
