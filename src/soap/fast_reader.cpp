#include "fast_reader.h"

#include <cstring>
#include <pugixml.hpp>
#include <string_view>

#include "text.h"

namespace bingads::internal {
namespace {

constexpr std::string_view kEnvelopeNs = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr std::string_view kCampaignNs = "https://bingads.microsoft.com/CampaignManagement/v13";
constexpr std::string_view kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";

// Declined: the general reader takes the body.
struct Decline {};

// Prefix bindings in scope, innermost last; a handful at most in the usual shape.
class Scope {
 public:
  // Adds `node`'s declarations; its other attributes are left to the caller.
  void Enter(pugi::xml_node node) {
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      const std::string_view name = a.name();
      if (name == "xmlns") {
        bindings_.push_back({"", a.value()});
      } else if (name.rfind("xmlns:", 0) == 0) {
        bindings_.push_back({name.substr(6), a.value()});
      }
    }
  }
  std::string_view Resolve(std::string_view prefix) const {
    for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it)
      if (it->first == prefix) return it->second;
    return prefix == "xml" ? "http://www.w3.org/XML/1998/namespace" : "";
  }

 private:
  std::vector<std::pair<std::string_view, std::string_view>> bindings_;
};

std::string_view Prefix(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon);
}

std::string_view Local(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

// The element `node` must be `local` in namespace `ns`.
void Expect(const Scope& scope, pugi::xml_node node, std::string_view local, std::string_view ns) {
  if (node.type() != pugi::node_element || Local(node.name()) != local ||
      scope.Resolve(Prefix(node.name())) != ns) {
    throw Decline{};
  }
}

// A field element below the lists: no declarations, no prefix (so in the response's namespace),
// no attribute but xsi:nil. Returns whether it is nil.
bool Nil(const Scope& scope, pugi::xml_node node) {
  if (node.type() != pugi::node_element || std::strchr(node.name(), ':') != nullptr)
    throw Decline{};
  if (!node.first_attribute()) return false;  // the usual case
  bool nil = false;
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    const std::string_view name = a.name();
    if (Local(name) != "nil" || scope.Resolve(Prefix(name)) != kXsiNs || Prefix(name).empty())
      throw Decline{};
    const std::string_view value = a.value();
    if (value == "true") {
      nil = true;
    } else if (value != "false") {
      throw Decline{};
    }
  }
  if (nil && node.first_child()) throw Decline{};
  return nil;
}

// The text of a field: nothing, or one run of character data.
std::string_view Text(pugi::xml_node node) {
  const pugi::xml_node child = node.first_child();
  if (!child) return {};
  if (child.type() != pugi::node_pcdata || child.next_sibling()) throw Decline{};
  return child.value();
}

// A number as gSOAP would take it: only plain digits with an optional '-'.
template <typename T>
T Whole(pugi::xml_node node) {
  const std::string_view text = Text(node);
  const auto value = ParseWhole<T>(text);
  if (!value) throw Decline{};
  return *value;
}

// Bits of each element seen, so that a repeated one is declined.
void Once(unsigned& seen, unsigned bit) {
  if (seen & bit) throw Decline{};
  seen |= bit;
}

bool Is(const char* name, const char* expected) { return std::strcmp(name, expected) == 0; }

// Fills `b` from a Budget element, written in place in its slot.
void ReadBudget(const Scope& scope, pugi::xml_node node, Budget& b) {
  unsigned seen = 0;
  for (pugi::xml_node f = node.first_child(); f; f = f.next_sibling()) {
    const bool nil = Nil(scope, f);
    const char* name = f.name();
    if (Is(name, "Amount")) {
      Once(seen, 1);
      if (nil) continue;
      b.Amount = Decimal::Parse(Text(f));
      if (!b.Amount) throw Decline{};  // the general reader names the problem
    } else if (Is(name, "AssociationCount")) {
      Once(seen, 2);
      if (!nil) b.AssociationCount = Whole<std::int32_t>(f);
    } else if (Is(name, "BudgetType")) {
      Once(seen, 4);
      if (!nil) b.BudgetType = Text(f);
    } else if (Is(name, "Id")) {
      Once(seen, 8);
      if (!nil) b.Id = Whole<std::int64_t>(f);
    } else if (Is(name, "Name")) {
      Once(seen, 16);
      if (!nil) b.Name = std::string(Text(f));
    } else {
      throw Decline{};
    }
  }
}

std::optional<std::string> OptText(bool nil, pugi::xml_node f) {
  return nil ? std::nullopt : std::optional<std::string>(std::string(Text(f)));
}

BatchError ReadBatchError(const Scope& scope, pugi::xml_node node) {
  BatchError e;
  unsigned seen = 0;
  for (pugi::xml_node f = node.first_child(); f; f = f.next_sibling()) {
    const std::string_view name = f.name();
    if (name == "ForwardCompatibilityMap") {
      Once(seen, 16);
      // An empty map only, with the prefix declaration WCF puts on it; entries go to gSOAP.
      for (pugi::xml_attribute a = f.first_attribute(); a; a = a.next_attribute())
        if (std::string_view(a.name()).rfind("xmlns:", 0) != 0) throw Decline{};
      if (f.first_child()) throw Decline{};
      continue;
    }
    const bool nil = Nil(scope, f);
    if (name == "Code") {
      Once(seen, 1);
      if (!nil) e.Code = Whole<std::int32_t>(f);
    } else if (name == "Details") {
      Once(seen, 2);
      e.Details = OptText(nil, f);
    } else if (name == "ErrorCode") {
      Once(seen, 4);
      e.ErrorCode = OptText(nil, f);
    } else if (name == "FieldPath") {
      Once(seen, 8);
      e.FieldPath = OptText(nil, f);
    } else if (name == "Index") {
      Once(seen, 32);
      if (!nil) e.Index = Whole<std::int32_t>(f);
    } else if (name == "Message") {
      Once(seen, 64);
      e.Message = OptText(nil, f);
    } else if (name == "Type") {
      Once(seen, 128);
      e.Type = OptText(nil, f);
    } else {
      throw Decline{};  // EditorialError's members and anything newer
    }
  }
  return e;
}

// Only the predefined entities and well-formed character references of characters XML allows:
// pugixml keeps anything else as text, where gSOAP reads it its own way.
bool PlainEntities(std::string_view body) {
  for (std::size_t at = body.find('&'); at != std::string_view::npos; at = body.find('&', at + 1)) {
    const std::string_view rest = body.substr(at + 1, 12);
    if (rest.rfind("amp;", 0) == 0 || rest.rfind("lt;", 0) == 0 || rest.rfind("gt;", 0) == 0 ||
        rest.rfind("quot;", 0) == 0 || rest.rfind("apos;", 0) == 0) {
      continue;
    }
    if (rest.rfind('#', 0) != 0) return false;
    const bool hex = rest.size() > 1 && rest[1] == 'x';
    std::size_t i = hex ? 2 : 1;
    std::uint32_t code = 0;
    const std::size_t first = i;
    for (; i < rest.size() && rest[i] != ';'; ++i) {
      const auto c = static_cast<unsigned char>(rest[i]);
      int digit = -1;
      if (c >= '0' && c <= '9') digit = c - '0';
      if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      if (digit < 0 || code > 0x10FFFF) return false;
      code = code * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
    }
    if (i == first || i >= rest.size()) return false;  // no digits, or no ';' soon enough
    const bool allowed = code == 0x9 || code == 0xA || code == 0xD ||
                         (code >= 0x20 && code <= 0xD7FF) || (code >= 0xE000 && code <= 0xFFFD) ||
                         (code >= 0x10000 && code <= 0x10FFFF);
    if (!allowed) return false;
  }
  return true;
}

}  // namespace

bool FastSoapGetBudgetsByIds(const HttpResponse& response, GetBudgetsByIdsResult& out) {
  if (response.Status < 200 || response.Status > 299 || response.Body.empty()) return false;
  const std::string& body = response.Body;
  // Markup from the first byte to the last (but whitespace at the end): pugixml passes over text
  // outside the root element, which gSOAP refuses.
  const std::size_t last = body.find_last_not_of(" \t\r\n");
  if (body.front() != '<' || last == std::string::npos || body[last] != '>') return false;
  if (!PlainEntities(body) || InvalidUtf8(body)) return false;
  // In situ on a copy: pugixml rewrites the buffer as it decodes, and owns it with the document.
  // The buffer comes from pugixml's own allocator, which frees it with the document.
  void* buffer = pugi::get_memory_allocation_function()(body.size());
  if (buffer == nullptr) return false;
  std::memcpy(buffer, body.data(), body.size());
  pugi::xml_document doc;
  const unsigned options = pugi::parse_default | pugi::parse_ws_pcdata_single |
                           pugi::parse_declaration | pugi::parse_doctype | pugi::parse_pi;
  if (!doc.load_buffer_inplace_own(buffer, body.size(), options, pugi::encoding_utf8)) return false;
  try {
    Scope scope;
    pugi::xml_node envelope = doc.first_child();
    if (envelope.next_sibling()) throw Decline{};  // a declaration, DTD, PI or more
    scope.Enter(envelope);
    Expect(scope, envelope, "Envelope", kEnvelopeNs);
    pugi::xml_node part = envelope.first_child();
    GetBudgetsByIdsResult result;
    std::string tracking;
    if (part && Local(part.name()) == "Header") {
      scope.Enter(part);
      Expect(scope, part, "Header", kEnvelopeNs);
      for (pugi::xml_node h = part.first_child(); h; h = h.next_sibling()) {
        Scope inner = scope;
        inner.Enter(h);
        Expect(inner, h, "TrackingId", kCampaignNs);
        if (!tracking.empty() || h.first_attribute().next_attribute()) throw Decline{};
        tracking = Text(h);
        if (tracking.empty()) throw Decline{};
      }
      part = part.next_sibling();
    }
    if (!part || part.next_sibling()) throw Decline{};
    scope.Enter(part);
    Expect(scope, part, "Body", kEnvelopeNs);
    pugi::xml_node reply = part.first_child();
    if (!reply || reply.next_sibling()) throw Decline{};
    scope.Enter(reply);
    Expect(scope, reply, "GetBudgetsByIdsResponse", kCampaignNs);
    for (pugi::xml_node list = reply.first_child(); list; list = list.next_sibling()) {
      Scope lists = scope;
      lists.Enter(list);
      Expect(lists, list, Local(list.name()), kCampaignNs);
      // The lists' own attributes: declarations, and xsi:nil on an absent list.
      bool nil = false;
      for (pugi::xml_attribute a = list.first_attribute(); a; a = a.next_attribute()) {
        const std::string_view name = a.name();
        if (name == "xmlns" || name.rfind("xmlns:", 0) == 0) continue;
        if (Local(name) != "nil" || lists.Resolve(Prefix(name)) != kXsiNs) throw Decline{};
        nil = std::string_view(a.value()) == "true";
      }
      // Below the lists, the default namespace must still be the response's.
      if (lists.Resolve("") != kCampaignNs) throw Decline{};
      if (Local(list.name()) == "Budgets" && Prefix(list.name()).empty()) {
        if (nil || !result.Budgets.empty()) throw Decline{};
        std::size_t count = 0;
        for (pugi::xml_node n = list.first_child(); n; n = n.next_sibling()) ++count;
        result.Budgets.reserve(count);
        for (pugi::xml_node n = list.first_child(); n; n = n.next_sibling()) {
          if (!Is(n.name(), "Budget")) throw Decline{};
          if (Nil(lists, n)) {
            result.Budgets.emplace_back();
          } else {
            ReadBudget(lists, n, result.Budgets.emplace_back(std::in_place).value());
          }
        }
        if (result.Budgets.empty()) throw Decline{};
      } else if (Local(list.name()) == "PartialErrors" && Prefix(list.name()).empty()) {
        if (nil || !result.PartialErrors.empty()) throw Decline{};
        for (pugi::xml_node n = list.first_child(); n; n = n.next_sibling()) {
          if (std::string_view(n.name()) != "BatchError" || Nil(lists, n)) throw Decline{};
          result.PartialErrors.emplace_back(ReadBatchError(lists, n));
        }
      } else {
        throw Decline{};
      }
    }
    result.TrackingIds.push_back(std::move(tracking));
    out = std::move(result);
    return true;
  } catch (const Decline&) {
    return false;
  }
}

}  // namespace bingads::internal
