// The SOAP GetBudgetsByIds fast path: one pass over the bytes of the body, no DOM and no copy of
// the body, writing each budget straight into its slot. It reads a strict subset of XML -- the
// shape WCF writes -- and declines anything else to the gSOAP reader, which stays the contract.
#include "fast_reader.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "text.h"
#include "xml_text.h"

namespace bingads::internal {
namespace {

constexpr std::string_view kEnvelopeNs = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr std::string_view kCampaignNs = "https://bingads.microsoft.com/CampaignManagement/v13";
constexpr std::string_view kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";

// Declined: the general reader takes the body.
struct Decline {};

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// ASCII letters, digits, '_', '-', '.' and ':'; anything else in a name is declined.
constexpr auto kNameChars = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.' || c == ':';
  }
  return table;
}();

bool IsNameChar(char c) { return kNameChars[static_cast<unsigned char>(c)]; }

// How many bytes from p are plain character data: not '<', '&', '\r' or ']'.
std::size_t TextRun(const char* p, const char* end) {
  const char* q = p;
  while (end - q >= 8) {
    std::uint64_t word;
    std::memcpy(&word, q, 8);
    const std::uint64_t special =
        ZeroBytes(word ^ (kEveryByte * '<')) | ZeroBytes(word ^ (kEveryByte * '&')) |
        ZeroBytes(word ^ (kEveryByte * '\r')) | ZeroBytes(word ^ (kEveryByte * ']'));
    if (special != 0) return static_cast<std::size_t>(q - p) + (std::countr_zero(special) >> 3);
    q += 8;
  }
  while (q != end && *q != '<' && *q != '&' && *q != '\r' && *q != ']') ++q;
  return static_cast<std::size_t>(q - p);
}

std::string_view Prefix(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon);
}

std::string_view Local(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

struct Attribute {
  std::string_view name, value;
};

// An opening tag: its name, its attributes, and whether it closed itself ("/>").
struct Tag {
  static constexpr int kMaxAttributes = 4;
  std::string_view name;
  Attribute attributes[kMaxAttributes];
  int count = 0;
  bool closed = false;
  bool IsDeclaration(int i) const {
    return attributes[i].name == "xmlns" || attributes[i].name.substr(0, 6) == "xmlns:";
  }
};

// Prefix bindings in scope, innermost last. Bindings are made on the envelope down to the lists
// only (below them any declaration is declined), so a handful at most.
class Scope {
 public:
  // Adds the declarations of `tag`; returns the depth to restore when it closes.
  std::size_t Enter(const Tag& tag) {
    const std::size_t depth = size_;
    for (int i = 0; i < tag.count; ++i) {
      if (!tag.IsDeclaration(i)) continue;
      const std::string_view name = tag.attributes[i].name;
      const std::string_view prefix = name.size() > 5 ? name.substr(6) : std::string_view();
      // An undeclared prefix (xmlns:p="") is XML 1.1 only; a prefix with a colon is no name.
      if (size_ == kMax || (!prefix.empty() && tag.attributes[i].value.empty()) ||
          (name.size() > 5 && (prefix.empty() || prefix.find(':') != std::string_view::npos))) {
        throw Decline{};
      }
      bindings_[size_++] = {prefix, tag.attributes[i].value};
    }
    return depth;
  }
  void Leave(std::size_t depth) { size_ = depth; }
  std::string_view Resolve(std::string_view prefix) const {
    for (std::size_t i = size_; i-- > 0;)
      if (bindings_[i].name == prefix) return bindings_[i].value;
    return {};
  }
  // The element `tag` must be `local` in namespace `ns`, named with a prefix or without.
  void Expect(const Tag& tag, std::string_view local, std::string_view ns) const {
    const std::string_view prefix = Prefix(tag.name);
    if (Local(tag.name) != local || Resolve(prefix) != ns ||
        (prefix.empty() && tag.name.front() == ':')) {
      throw Decline{};
    }
  }
  // `tag`'s attributes must be declarations only.
  static void OnlyDeclarations(const Tag& tag) {
    for (int i = 0; i < tag.count; ++i)
      if (!tag.IsDeclaration(i)) throw Decline{};
  }
  // A list's attributes: declarations, and xsi:nil; anything else is declined. Returns whether
  // it is nil.
  bool ListNil(const Tag& tag) const {
    bool nil = false;
    for (int i = 0; i < tag.count; ++i) {
      if (tag.IsDeclaration(i)) continue;
      const Attribute& a = tag.attributes[i];
      if (Prefix(a.name).empty() || Local(a.name) != "nil" || Resolve(Prefix(a.name)) != kXsiNs ||
          (a.value != "true" && a.value != "false")) {
        throw Decline{};
      }
      nil = a.value == "true";
    }
    return nil;
  }
  // A field's attributes: xsi:nil at most, and no declaration. Returns whether it is nil.
  bool Nil(const Tag& tag) const {
    if (tag.count == 0) return false;  // the usual case
    if (tag.count > 1 || tag.IsDeclaration(0)) throw Decline{};
    return ListNil(tag);
  }

 private:
  static constexpr std::size_t kMax = 16;
  Attribute bindings_[kMax];
  std::size_t size_ = 0;
};

// Whether code point `c` is a character XML allows.
bool XmlChar(std::uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

class Reader {
 public:
  explicit Reader(std::string_view body) : p_(body.data()), end_(p_ + body.size()) {}

  void SkipSpace() {
    while (p_ != end_ && IsSpace(*p_)) ++p_;
  }

  bool AtEnd() {
    SkipSpace();
    return p_ == end_;
  }

  const char* Position() const { return p_; }

  // After whitespace: whether an end tag follows.
  bool AtClose() {
    SkipSpace();
    return end_ - p_ >= 2 && p_[0] == '<' && p_[1] == '/';
  }

  // An opening tag. Comments, CDATA, processing instructions and DTDs are declined.
  void Open(Tag& tag) {
    if (p_ == end_ || *p_ != '<') throw Decline{};
    ++p_;
    tag.name = Name();
    tag.count = 0;
    for (;;) {
      const char* const before = p_;
      SkipSpace();
      if (p_ == end_) throw Decline{};
      if (*p_ == '>') {
        ++p_;
        tag.closed = false;
        return;
      }
      if (*p_ == '/') {
        if (end_ - p_ < 2 || p_[1] != '>') throw Decline{};
        p_ += 2;
        tag.closed = true;
        return;
      }
      if (p_ == before || tag.count == Tag::kMaxAttributes) throw Decline{};
      Attribute& a = tag.attributes[tag.count++];
      a.name = Name();
      SkipSpace();
      if (p_ == end_ || *p_ != '=') throw Decline{};
      ++p_;
      SkipSpace();
      if (p_ == end_ || (*p_ != '"' && *p_ != '\'')) throw Decline{};
      const char quote = *p_++;
      const char* const start = p_;
      // Plain values only: no references, and no whitespace that XML would normalise.
      while (p_ != end_ && *p_ != quote) {
        if (*p_ == '<' || *p_ == '&' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r') throw Decline{};
        ++p_;
      }
      if (p_ == end_) throw Decline{};
      a.value = std::string_view(start, static_cast<std::size_t>(p_ - start));
      ++p_;
      for (int i = 0; i + 1 < tag.count; ++i)
        if (tag.attributes[i].name == a.name) throw Decline{};
    }
  }

  // The end tag of the element named `name`.
  void Close(std::string_view name) {
    if (static_cast<std::size_t>(end_ - p_) < name.size() + 3 || p_[0] != '<' || p_[1] != '/' ||
        std::memcmp(p_ + 2, name.data(), name.size()) != 0) {
      throw Decline{};
    }
    p_ += 2 + name.size();
    SkipSpace();
    if (p_ == end_ || *p_ != '>') throw Decline{};
    ++p_;
  }

  // The character data of an element whose opening tag was just read, up to and including its
  // end tag: a view of the body when it has no reference, else decoded into `scratch`.
  std::string_view Text(const Tag& tag, std::string& scratch) {
    if (tag.closed) return {};
    const char* const start = p_;
    // One pass to the next '<', eight bytes at a time, noting the first '&'. Other readers and
    // gSOAP differ on line ends and on "]]>" in text: text with '\r' or ']' goes to gSOAP.
    const char* amp = nullptr;
    for (;;) {
      p_ += TextRun(p_, end_);
      if (p_ == end_ || *p_ == '\r' || *p_ == ']') throw Decline{};
      if (*p_ == '<') break;
      if (amp == nullptr) amp = p_;  // '&'
      ++p_;
    }
    const std::string_view text(start, static_cast<std::size_t>(p_ - start));
    Close(tag.name);
    if (amp == nullptr) return text;
    const std::size_t at = static_cast<std::size_t>(amp - start);
    scratch.assign(text.data(), at);
    Unescape(text.substr(at), scratch);
    return scratch;
  }

  // A field's end must follow its nil opening tag at once.
  void Empty(const Tag& tag) {
    if (!tag.closed) Close(tag.name);
  }

 private:
  std::string_view Name() {
    const char* const start = p_;
    while (p_ != end_ && IsNameChar(*p_)) ++p_;
    if (p_ == start) throw Decline{};
    return {start, static_cast<std::size_t>(p_ - start)};
  }

  // Appends `text` (starting at a '&') to `out` with its references replaced: the predefined
  // entities and character references of characters XML allows; anything else is declined.
  static void Unescape(std::string_view text, std::string& out) {
    std::size_t i = 0;
    while (i < text.size()) {
      const std::size_t amp = text.find('&', i);
      out.append(text.data() + i, (amp == std::string_view::npos ? text.size() : amp) - i);
      if (amp == std::string_view::npos) return;
      const std::size_t semi = text.find(';', amp);
      if (semi == std::string_view::npos || semi - amp > 12) throw Decline{};
      const std::string_view ref = text.substr(amp + 1, semi - amp - 1);
      i = semi + 1;
      if (ref == "amp") {
        out += '&';
      } else if (ref == "lt") {
        out += '<';
      } else if (ref == "gt") {
        out += '>';
      } else if (ref == "quot") {
        out += '"';
      } else if (ref == "apos") {
        out += '\'';
      } else {
        if (ref.size() < 2 || ref[0] != '#') throw Decline{};
        const bool hex = ref[1] == 'x';
        if (hex && ref.size() < 3) throw Decline{};
        std::uint32_t code = 0;
        for (std::size_t k = hex ? 2 : 1; k < ref.size(); ++k) {
          const char c = ref[k];
          int digit = -1;
          if (c >= '0' && c <= '9') digit = c - '0';
          if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
          if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
          if (digit < 0 || code > 0x10FFFF) throw Decline{};
          code = code * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
        }
        if (!XmlChar(code)) throw Decline{};
        AppendUtf8(out, code);
      }
    }
  }

  const char* p_;
  const char* const end_;
};

// A field element below the lists: no prefix (so in the response's namespace), and no attribute
// but xsi:nil.
struct Field {
  Tag tag;
  bool nil = false;
};

void ReadField(Reader& in, const Scope& scope, Field& f) {
  in.Open(f.tag);
  if (f.tag.name.find(':') != std::string_view::npos) throw Decline{};
  f.nil = scope.Nil(f.tag);
  if (f.nil) in.Empty(f.tag);
}

// A number as gSOAP would take it: only plain digits with an optional '-'.
template <typename T>
T Whole(Reader& in, const Tag& tag, std::string& scratch) {
  const auto value = ParseWhole<T>(in.Text(tag, scratch));
  if (!value) throw Decline{};
  return *value;
}

// Bits of each element seen, so that a repeated one is declined.
void Once(unsigned& seen, unsigned bit) {
  if (seen & bit) throw Decline{};
  seen |= bit;
}

// The fields of a Budget element whose opening tag was read, and its end tag.
void ReadBudget(Reader& in, const Scope& scope, Budget& b, std::string& scratch) {
  unsigned seen = 0;
  Field f;
  while (!in.AtClose()) {
    ReadField(in, scope, f);
    const std::string_view name = f.tag.name;
    if (name == "Amount") {
      Once(seen, 1);
      if (f.nil) continue;
      b.Amount = Decimal::Parse(in.Text(f.tag, scratch));
      if (!b.Amount) throw Decline{};  // the general reader names the problem
    } else if (name == "AssociationCount") {
      Once(seen, 2);
      if (!f.nil) b.AssociationCount = Whole<std::int32_t>(in, f.tag, scratch);
    } else if (name == "BudgetType") {
      Once(seen, 4);
      if (!f.nil) b.BudgetType = in.Text(f.tag, scratch);
    } else if (name == "Id") {
      Once(seen, 8);
      if (!f.nil) b.Id = Whole<std::int64_t>(in, f.tag, scratch);
    } else if (name == "Name") {
      Once(seen, 16);
      if (!f.nil) b.Name.emplace(in.Text(f.tag, scratch));
    } else {
      throw Decline{};
    }
  }
  in.Close("Budget");
}

std::optional<std::string> OptText(Reader& in, const Field& f, std::string& scratch) {
  if (f.nil) return std::nullopt;
  return std::string(in.Text(f.tag, scratch));
}

// The fields of a BatchError element whose opening tag was read, and its end tag.
BatchError ReadBatchError(Reader& in, const Scope& scope, std::string& scratch) {
  BatchError e;
  unsigned seen = 0;
  Field f;
  while (!in.AtClose()) {
    Tag& tag = f.tag;
    in.Open(tag);
    if (tag.name == "ForwardCompatibilityMap") {
      Once(seen, 16);
      // An empty or nil map only, with the prefix declaration WCF puts on it; entries go to
      // gSOAP.
      scope.ListNil(tag);
      in.Empty(tag);
      continue;
    }
    if (tag.name.find(':') != std::string_view::npos) throw Decline{};
    f.nil = scope.Nil(tag);
    if (f.nil) in.Empty(tag);
    const std::string_view name = tag.name;
    if (name == "Code") {
      Once(seen, 1);
      if (!f.nil) e.Code = Whole<std::int32_t>(in, tag, scratch);
    } else if (name == "Details") {
      Once(seen, 2);
      e.Details = OptText(in, f, scratch);
    } else if (name == "ErrorCode") {
      Once(seen, 4);
      e.ErrorCode = OptText(in, f, scratch);
    } else if (name == "FieldPath") {
      Once(seen, 8);
      e.FieldPath = OptText(in, f, scratch);
    } else if (name == "Index") {
      Once(seen, 32);
      if (!f.nil) e.Index = Whole<std::int32_t>(in, tag, scratch);
    } else if (name == "Message") {
      Once(seen, 64);
      e.Message = OptText(in, f, scratch);
    } else if (name == "Type") {
      Once(seen, 128);
      e.Type = OptText(in, f, scratch);
    } else {
      throw Decline{};  // EditorialError's members and anything newer
    }
  }
  in.Close("BatchError");
  return e;
}

// The Budgets list's slots, after its opening tag, up to and including its end tag.
void ReadBudgets(Reader& in, const Scope& scope, const char* body_end,
                 std::vector<std::optional<Budget>>& budgets, std::string& scratch) {
  Tag tag;
  const char* const start = in.Position();
  budgets.reserve(std::min<std::size_t>(32, static_cast<std::size_t>(body_end - start) / 22));
  while (!in.AtClose()) {
    in.Open(tag);
    if (tag.name != "Budget") throw Decline{};
    if (scope.Nil(tag)) {
      in.Empty(tag);
      budgets.emplace_back();
    } else if (tag.closed) {
      budgets.emplace_back(std::in_place);
    } else {
      ReadBudget(in, scope, budgets.emplace_back(std::in_place).value(), scratch);
    }
    // Once the first slots show how long a slot is, room for as many as the rest of the body
    // could hold, so that the slots are not moved as they grow (pages not written stay unused).
    if (budgets.size() == 32) {
      // At least the length of a nil slot, <Budget i:nil="true"/>: at most 9 times the body.
      const auto per_slot =
          std::max<std::size_t>(static_cast<std::size_t>(in.Position() - start) / 32, 22);
      budgets.reserve(32 + static_cast<std::size_t>(body_end - in.Position()) / per_slot);
    }
  }
}

// An element of the envelope's structure (Envelope, Header, TrackingId, Body, the reply): read,
// its declarations in scope, no other attribute. Returns the depth to restore when it closes.
std::size_t OpenStructural(Reader& in, Scope& scope, Tag& tag) {
  in.Open(tag);
  const std::size_t depth = scope.Enter(tag);
  Scope::OnlyDeclarations(tag);
  return depth;
}

// The Header, if it comes next: at most one non-empty TrackingId. Leaves `tag` holding the element
// after it (the Body, if all is well).
void ReadHeader(Reader& in, Scope& scope, Tag& tag, std::string& tracking, std::string& scratch) {
  const std::size_t depth = OpenStructural(in, scope, tag);
  if (Local(tag.name) != "Header") return;
  scope.Expect(tag, "Header", kEnvelopeNs);
  if (!tag.closed) {
    const std::string_view header = tag.name;
    while (!in.AtClose()) {
      const std::size_t inner = OpenStructural(in, scope, tag);
      scope.Expect(tag, "TrackingId", kCampaignNs);
      if (!tracking.empty()) throw Decline{};
      tracking = in.Text(tag, scratch);
      if (tracking.empty()) throw Decline{};
      scope.Leave(inner);
    }
    in.Close(header);
  }
  scope.Leave(depth);
  in.SkipSpace();
  OpenStructural(in, scope, tag);
}

// The PartialErrors list whose opening tag `tag` was read, up to and including its end tag.
template <typename Result>
void ReadPartialErrors(Reader& in, const Scope& scope, const Tag& tag, std::string_view body,
                       Result& result, std::string& scratch) {
  if (tag.closed) return;
  // Room for every BatchError left in the body at once: they are large, and would be moved as
  // they grow.
  const std::string_view rest(in.Position(),
                              static_cast<std::size_t>(body.data() + body.size() - in.Position()));
  std::size_t errors = 0;
  for (auto at = rest.find("<BatchError"); at != std::string_view::npos;
       at = rest.find("<BatchError", at + 1)) {
    ++errors;
  }
  result.PartialErrors.reserve(errors);
  Tag item;
  while (!in.AtClose()) {
    in.Open(item);
    if (item.name != "BatchError" || item.count != 0 || item.closed) throw Decline{};
    result.PartialErrors.emplace_back(ReadBatchError(in, scope, scratch));
  }
  in.Close(tag.name);
}

// The lists inside the reply element, up to its end tag: PartialErrors here, any other list by
// `read_list`, which returns false for a list it does not know.
template <typename Result, typename ReadList>
void ReadLists(Reader& in, Scope& scope, std::string_view body, Result& result,
               std::string& scratch, ReadList& read_list) {
  Tag tag;
  bool seen_errors = false;
  while (!in.AtClose()) {
    in.Open(tag);
    const std::size_t lists = scope.Enter(tag);
    // The lists' own attributes: declarations, and xsi:nil on an absent list.
    const bool nil = scope.ListNil(tag);
    // Below the lists, the default namespace must still be the response's.
    if (scope.Resolve("") != kCampaignNs) throw Decline{};
    if (tag.name == "PartialErrors" && !seen_errors && !nil) {
      seen_errors = true;
      ReadPartialErrors(in, scope, tag, body, result, scratch);
    } else if (tag.name == "PartialErrors" || nil || !read_list(in, scope, tag, result, scratch)) {
      throw Decline{};
    }
    scope.Leave(lists);
  }
}

// Reads a SOAP 1.1 envelope whose header holds at most a TrackingId and whose body is one
// `reply_name` element of the campaign namespace, with the lists below it (ReadLists).
template <typename Result, typename ReadList>
bool ReadResponse(const HttpResponse& response, std::string_view reply_name, Result& out,
                  ReadList read_list) {
  if (response.status < 200 || response.status > 299 || response.body.empty()) return false;
  const std::string_view body = response.body;
  // Markup from the first byte: a declaration, a byte order mark or text before the envelope
  // goes to gSOAP. So does any byte or character XML forbids (NUL, other controls, U+FFFE,
  // U+FFFF, bytes that are not UTF-8), which the general reader refuses by name. DTDs, comments
  // and references the scanner does not know are declined as it meets them.
  if (body.front() != '<' || XmlCharsProblem(body)) return false;
  try {
    Reader in(body);
    Scope scope;
    Tag tag;
    std::string scratch;
    Result result;
    std::string tracking;
    OpenStructural(in, scope, tag);
    scope.Expect(tag, "Envelope", kEnvelopeNs);
    if (tag.closed) throw Decline{};
    const std::string_view envelope = tag.name;
    in.SkipSpace();
    ReadHeader(in, scope, tag, tracking, scratch);
    scope.Expect(tag, "Body", kEnvelopeNs);
    if (tag.closed) throw Decline{};
    const std::string_view body_name = tag.name;
    in.SkipSpace();
    OpenStructural(in, scope, tag);
    scope.Expect(tag, reply_name, kCampaignNs);
    if (!tag.closed) {
      const std::string_view reply = tag.name;
      ReadLists(in, scope, body, result, scratch, read_list);
      in.Close(reply);
    }
    in.SkipSpace();
    in.Close(body_name);
    in.SkipSpace();
    in.Close(envelope);
    if (!in.AtEnd()) throw Decline{};
    result.TrackingIds.push_back(std::move(tracking));
    out = std::move(result);
    return true;
  } catch (const Decline&) {
    return false;
  }
}

// Update and Delete answer with their partial errors alone.
constexpr auto kNoOtherList = [](Reader&, const Scope&, const Tag&, auto&, std::string&) {
  return false;
};

}  // namespace

bool FastSoapGetBudgetsByIds(const HttpResponse& response, GetBudgetsByIdsResult& out) {
  const char* const end = response.body.data() + response.body.size();
  bool seen = false;
  return ReadResponse(response, "GetBudgetsByIdsResponse", out,
                      [&](Reader& in, const Scope& scope, const Tag& tag,
                          GetBudgetsByIdsResult& result, std::string& scratch) {
                        if (tag.name != "Budgets" || seen || tag.closed) return false;
                        seen = true;
                        ReadBudgets(in, scope, end, result.Budgets, scratch);
                        if (result.Budgets.empty()) return false;
                        in.Close(tag.name);
                        return true;
                      });
}

bool FastSoapUpdateBudgets(const HttpResponse& response, UpdateBudgetsResult& out) {
  return ReadResponse(response, "UpdateBudgetsResponse", out, kNoOtherList);
}

bool FastSoapDeleteBudgets(const HttpResponse& response, DeleteBudgetsResult& out) {
  return ReadResponse(response, "DeleteBudgetsResponse", out, kNoOtherList);
}

}  // namespace bingads::internal
