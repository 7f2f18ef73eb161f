// The fast path of the REST GetBudgetsByIds reader: a strict JSON scanner that knows the shape
// of the response and writes each budget straight into its slot. It accepts a subset of what the
// general reader (RapidJSON's DOM, rest_codec.cpp) accepts, and declines everything else.
#include "fast_scan.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>

#include "text.h"

namespace bingads::internal {
namespace {

// How many bytes from p need no attention inside a string: not '"', '\\', a control character
// or a non-ASCII byte. Eight bytes at a time.
std::size_t PlainRun(const unsigned char* p, const unsigned char* end) {
  const unsigned char* q = p;
  while (end - q >= 8) {
    std::uint64_t word;
    std::memcpy(&word, q, 8);
    const std::uint64_t special =
        ZeroBytes(word ^ (kEveryByte * '"')) | ZeroBytes(word ^ (kEveryByte * '\\')) |
        ((~((word & ~kHighBits) + kEveryByte * (0x80 - 0x20)) | word) & kHighBits);
    if (special != 0) return static_cast<std::size_t>(q - p) + (std::countr_zero(special) >> 3);
    q += 8;
  }
  while (q != end && *q != '"' && *q != '\\' && *q >= 0x20 && *q < 0x80) ++q;
  return static_cast<std::size_t>(q - p);
}

// How many times `c` occurs in `text` (memchr is vectorised; the characters counted are sparse).
std::size_t Count(std::string_view text, char c) {
  std::size_t n = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (const void* hit = std::memchr(p, c, static_cast<std::size_t>(end - p))) {
    ++n;
    p = static_cast<const char*>(hit) + 1;
  }
  return n;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text)
      : p_(reinterpret_cast<const unsigned char*>(text.data())), end_(p_ + text.size()) {}

  void SkipSpace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool Eat(char c) {
    SkipSpace();
    if (p_ == end_ || *p_ != static_cast<unsigned char>(c)) return false;
    ++p_;
    return true;
  }

  template <std::size_t N>
  bool Literal(const char (&word)[N]) {
    SkipSpace();
    constexpr std::size_t n = N - 1;
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }

  // Consumes `text` when the input continues with exactly it (after whitespace).
  bool Prefix(std::string_view text) {
    SkipSpace();
    if (static_cast<std::size_t>(end_ - p_) < text.size() ||
        std::memcmp(p_, text.data(), text.size()) != 0) {
      return false;
    }
    p_ += text.size();
    return true;
  }

  bool AtEnd() {
    SkipSpace();
    return p_ == end_;
  }

  // The bytes not read yet.
  std::string_view Rest() const {
    return {reinterpret_cast<const char*>(p_), static_cast<std::size_t>(end_ - p_)};
  }

  // A member name without escapes or non-ASCII bytes, and the ':' after it.
  bool Key(std::string_view& key) {
    if (!Eat('"')) return false;
    const unsigned char* start = p_;
    p_ += PlainRun(p_, end_);
    if (p_ == end_ || *p_ != '"') return false;
    key = std::string_view(reinterpret_cast<const char*>(start),
                           static_cast<std::size_t>(p_ - start));
    ++p_;
    return Eat(':');
  }

  // A string value, unescaped into `out` (or only checked when out is null), accepting exactly
  // what RapidJSON accepts once the body is known to be UTF-8, except a lone low surrogate.
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    bool sized = false;
    for (;;) {
      const unsigned char* run = p_;
      p_ += PlainRun(p_, end_);
      if (out != nullptr) out->append(reinterpret_cast<const char*>(run), p_ - run);
      if (p_ == end_ || *p_ < 0x20) return false;
      if (*p_ == '"') {
        ++p_;
        return true;
      }
      if (out != nullptr && !sized) {
        // Not one plain run: make room for the rest up to the next quote at once, rather than
        // growing the string piece by piece.
        sized = true;
        if (const void* quote = std::memchr(p_, '"', static_cast<std::size_t>(end_ - p_))) {
          out->reserve(out->size() +
                       static_cast<std::size_t>(static_cast<const unsigned char*>(quote) - p_));
        }
      }
      if (*p_ >= 0x80) {
        const std::size_t n = Utf8Sequence(p_, end_);
        if (n == 0) return false;
        if (out != nullptr) out->append(reinterpret_cast<const char*>(p_), n);
        p_ += n;
        continue;
      }
      if (++p_ == end_) return false;  // after the backslash
      char plain;
      switch (*p_++) {
        case '"':
          plain = '"';
          break;
        case '\\':
          plain = '\\';
          break;
        case '/':
          plain = '/';
          break;
        case 'b':
          plain = '\b';
          break;
        case 'f':
          plain = '\f';
          break;
        case 'n':
          plain = '\n';
          break;
        case 'r':
          plain = '\r';
          break;
        case 't':
          plain = '\t';
          break;
        case 'u': {
          std::uint32_t cp;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!Hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          if (out != nullptr) AppendUtf8(*out, cp);
          continue;
        }
        default:
          return false;
      }
      if (out != nullptr) *out += plain;
    }
  }

  // A number in JSON's grammar without an exponent, at most 100 characters (so that RapidJSON,
  // which refuses numbers beyond a double's range even when it keeps their text, accepts it too).
  bool Number(std::string_view& text) {
    SkipSpace();
    const unsigned char* start = p_;
    if (p_ != end_ && *p_ == '-') ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return false;
    if (*p_++ == '0') {
      if (p_ != end_ && IsDigit(*p_)) return false;
    } else {
      while (p_ != end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return false;
      while (p_ != end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) return false;
    if (p_ - start > 100) return false;
    text = std::string_view(reinterpret_cast<const char*>(start),
                            static_cast<std::size_t>(p_ - start));
    return true;
  }

  // The text of a value that may be a string or a number (ids and amounts are read from either,
  // as the general reader does); `scratch` holds an unescaped string.
  bool Scalar(std::string_view& text, std::string& scratch) {
    SkipSpace();
    if (p_ != end_ && *p_ == '"') {
      scratch.clear();
      if (!String(&scratch)) return false;
      text = scratch;
      return true;
    }
    return Number(text);
  }

  // Any value, checked but not kept; nesting deeper than 64 levels is declined.
  bool Skip(int depth) {
    if (depth > 64) return false;
    SkipSpace();
    if (p_ == end_) return false;
    switch (*p_) {
      case '"':
        return String(nullptr);
      case '{':
        ++p_;
        if (Eat('}')) return true;
        do {
          if (!String(nullptr) || !Eat(':') || !Skip(depth + 1)) return false;
        } while (Eat(','));
        return Eat('}');
      case '[':
        ++p_;
        if (Eat(']')) return true;
        do {
          if (!Skip(depth + 1)) return false;
        } while (Eat(','));
        return Eat(']');
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default: {
        std::string_view number;
        return Number(number);
      }
    }
  }

 private:
  static bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

  bool Hex4(std::uint32_t& value) {
    if (end_ - p_ < 4) return false;
    value = 0;
    for (int i = 0; i < 4; ++i) {
      const unsigned char c = *p_++;
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        value |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        value |= c - 'A' + 10;
      } else {
        return false;
      }
    }
    return true;
  }

  const unsigned char* p_;
  const unsigned char* const end_;
};

// A nullable string member: null unsets; a number where text is expected is declined (the
// general reader would take its digits, a case not worth a fast path).
bool NullableString(Scanner& in, std::optional<std::string>& field) {
  if (in.Literal("null")) {
    field.reset();
    return true;
  }
  return in.String(&field.emplace());
}

// A nullable whole-number member, from a number or a string as the general reader takes it
// (ParseInt64 / ParseInt32: surrounding XML whitespace allowed).
template <typename T>
bool NullableWhole(Scanner& in, std::optional<T>& field, std::string& scratch) {
  if (in.Literal("null")) {
    field.reset();
    return true;
  }
  std::string_view text;
  if (!in.Scalar(text, scratch)) return false;
  field = ParseWhole<T>(TrimXmlSpace(text));
  return field.has_value();
}

// A nullable Amount, from a JSON number or, as the general reader allows, xs:decimal text.
bool NullableAmount(Scanner& in, std::optional<Decimal>& field, std::string& scratch) {
  if (in.Literal("null")) {
    field.reset();
    return true;
  }
  std::string_view text;
  if (!in.Scalar(text, scratch)) return false;
  field = Decimal::FromJsonNumber(text);
  if (!field) field = Decimal::Parse(text);
  return field.has_value();
}

// A nullable BudgetType; a known value allocates nothing.
bool NullableBudgetType(Scanner& in, std::optional<BudgetLimitType>& field, std::string& scratch) {
  if (in.Literal("null")) {
    field.reset();
    return true;
  }
  scratch.clear();
  if (!in.String(&scratch)) return false;
  field.emplace(std::string_view(scratch));
  return true;
}

enum class Field { kAmount, kAssociationCount, kBudgetType, kId, kName, kOther };

Field FieldOf(std::string_view key) {
  switch (key.size()) {
    case 2:
      return key == "Id" ? Field::kId : Field::kOther;
    case 4:
      return key == "Name" ? Field::kName : Field::kOther;
    case 6:
      return key == "Amount" ? Field::kAmount : Field::kOther;
    case 10:
      return key == "BudgetType" ? Field::kBudgetType : Field::kOther;
    case 16:
      return key == "AssociationCount" ? Field::kAssociationCount : Field::kOther;
    default:
      return Field::kOther;
  }
}

// One Budget object into `b`, as the general reader's ReadBudget: the last of a repeated member
// counts, null unsets, members it does not know are skipped.
bool ScanBudget(Scanner& in, Budget& b, std::string& scratch) {
  // The members in the order the service writes them, each with its quotes and colon: the next
  // one is tried first, byte for byte, before a member name is scanned in general.
  static constexpr std::string_view kUsual[] = {
      "\"Amount\":", "\"AssociationCount\":", "\"BudgetType\":", "\"Id\":", "\"Name\":"};
  static constexpr Field kUsualField[] = {Field::kAmount, Field::kAssociationCount,
                                          Field::kBudgetType, Field::kId, Field::kName};
  std::size_t next = 0;
  if (in.Eat('}')) return true;
  do {
    Field field_of_key;
    if (next < std::size(kUsual) && in.Prefix(kUsual[next])) {
      field_of_key = kUsualField[next++];
    } else {
      std::string_view key;
      if (!in.Key(key)) return false;
      field_of_key = FieldOf(key);
      next = std::size(kUsual);
    }
    bool ok = true;
    switch (field_of_key) {
      case Field::kAmount:
        ok = NullableAmount(in, b.Amount, scratch);
        break;
      case Field::kAssociationCount:
        ok = NullableWhole(in, b.AssociationCount, scratch);
        break;
      case Field::kBudgetType:
        ok = NullableBudgetType(in, b.BudgetType, scratch);
        break;
      case Field::kId:
        ok = NullableWhole(in, b.Id, scratch);
        break;
      case Field::kName:
        ok = NullableString(in, b.Name);
        break;
      case Field::kOther:
        ok = in.Skip(1);
        break;
    }
    if (!ok) return false;
  } while (in.Eat(','));
  return in.Eat('}');
}

// ForwardCompatibilityMap: null or an array of {key|Key, value|Value} objects; as the general
// reader, "key" wins over "Key" when both are there (even when null), and so for value.
bool ScanForwardCompatibilityMap(Scanner& in, std::vector<KeyValuePair>& out) {
  if (in.Literal("null")) return true;
  if (!in.Eat('[')) return false;
  if (in.Eat(']')) return true;
  do {
    if (!in.Eat('{')) return false;
    std::optional<std::string> lower_key, upper_key, lower_value, upper_value;
    unsigned seen = 0;
    if (!in.Eat('}')) {
      do {
        std::string_view name;
        if (!in.Key(name)) return false;
        const int slot = name == "key"     ? 0
                         : name == "Key"   ? 1
                         : name == "value" ? 2
                         : name == "Value" ? 3
                                           : -1;
        if (slot < 0) {
          if (!in.Skip(1)) return false;
          continue;
        }
        if (seen & (1U << slot)) return false;  // a repeated member: the general reader decides
        seen |= 1U << slot;
        std::optional<std::string>* field[] = {&lower_key, &upper_key, &lower_value, &upper_value};
        if (!NullableString(in, *field[slot])) return false;
      } while (in.Eat(','));
      if (!in.Eat('}')) return false;
    }
    out.push_back({(seen & 1U) ? std::move(lower_key) : std::move(upper_key),
                   (seen & 4U) ? std::move(lower_value) : std::move(upper_value)});
  } while (in.Eat(','));
  return in.Eat(']');
}

// One BatchError or EditorialError object (after its '{'), as the general reader's
// ReadPartialError: the EditorialError fields count only when Type is "EditorialError", wherever
// Type comes; members it does not know are skipped; a repeated member is declined.
bool ScanPartialError(Scanner& in, std::vector<PartialError>& out, std::string& scratch) {
  constexpr unsigned kCount = 13, kMap = 4;  // kNames[kMap] is ForwardCompatibilityMap
  static constexpr std::string_view kNames[kCount] = {
      "Code",     "Details",          "ErrorCode", "FieldPath",  "ForwardCompatibilityMap",
      "Index",    "Message",          "Type",      "Appealable", "DisapprovedText",
      "Location", "PublisherCountry", "ReasonCode"};
  EditorialError e;  // the BatchError fields and the editorial ones, sorted out at the end
  std::optional<std::int32_t> code, index, reason;
  unsigned seen = 0;
  if (!in.Eat('}')) {
    do {
      std::string_view name;
      if (!in.Key(name)) return false;
      unsigned m = 0;
      while (m < kCount && kNames[m] != name) ++m;
      if (m == kCount) {
        if (!in.Skip(1)) return false;
        continue;
      }
      if (seen & (1U << m)) return false;
      seen |= 1U << m;
      // Each member is a nullable string, a nullable 32-bit integer, the map or Appealable.
      std::optional<std::string>* const text[kCount] = {
          nullptr,     &e.Details,          &e.ErrorCode, &e.FieldPath, nullptr,
          nullptr,     &e.Message,          &e.Type,      nullptr,      &e.DisapprovedText,
          &e.Location, &e.PublisherCountry, nullptr};
      std::optional<std::int32_t>* const number[kCount] = {
          &code,   nullptr, nullptr, nullptr, nullptr, &index, nullptr,
          nullptr, nullptr, nullptr, nullptr, nullptr, &reason};
      bool ok = true;
      if (text[m] != nullptr) {
        ok = NullableString(in, *text[m]);
      } else if (number[m] != nullptr) {
        ok = NullableWhole(in, *number[m], scratch);
      } else if (m == kMap) {
        ok = ScanForwardCompatibilityMap(in, e.ForwardCompatibilityMap);
      } else if (in.Literal("true")) {
        e.Appealable = true;
      } else if (in.Literal("false")) {
        e.Appealable = false;
      } else if (!in.Literal("null")) {
        // The documentation's template quotes it.
        ok = in.Scalar(name, scratch) && (name == "true" || name == "false");
        e.Appealable = name == "true";
      }
      if (!ok) return false;
    } while (in.Eat(','));
    if (!in.Eat('}')) return false;
  }
  e.Code = code.value_or(0);
  e.Index = index.value_or(0);
  if (e.Type != "EditorialError") {
    out.emplace_back(std::in_place_type<BatchError>, std::move(static_cast<BatchError&>(e)));
    return true;
  }
  e.ReasonCode = reason.value_or(0);
  out.emplace_back(std::move(e));
  return true;
}

}  // namespace

bool ScanGetBudgetsByIds(std::string_view body, GetBudgetsByIdsResult& result) {
  auto& budgets = result.Budgets;
  Scanner in(body);
  std::string scratch;
  bool seen_budgets = false, seen_errors = false;
  if (!in.Eat('{')) return false;
  if (!in.Eat('}')) {
    do {
      std::string_view key;
      if (!in.Key(key)) return false;
      if (key == "Budgets" && !seen_budgets) {
        seen_budgets = true;
        if (in.Literal("null")) continue;
        if (!in.Eat('[')) return false;
        if (in.Eat(']')) continue;
        const std::size_t start = in.Rest().size();
        budgets.reserve(std::min<std::size_t>(32, start / 16));  // until the estimate below
        do {
          if (in.Literal("null")) {
            budgets.emplace_back();
          } else if (!in.Eat('{') ||
                     !ScanBudget(in, budgets.emplace_back(std::in_place).value(), scratch)) {
            return false;
          }
          // Once the first slots show how long a slot is, room for as many as the rest of the
          // body could hold, so that the slots are not moved as they grow (room never written
          // stays unused pages). Counting objects instead would cost a pass over the body.
          if (budgets.size() == 32) {
            // At least 16 bytes a slot, as if every one were null: at most 12 times the body.
            const std::size_t per_slot = std::max<std::size_t>((start - in.Rest().size()) / 32, 16);
            budgets.reserve(32 + in.Rest().size() / per_slot);
          }
        } while (in.Eat(','));
        if (!in.Eat(']')) return false;
      } else if (key == "PartialErrors" && !seen_errors) {
        seen_errors = true;
        if (in.Literal("null")) continue;
        if (!in.Eat('[')) return false;
        if (in.Eat(']')) continue;
        // At most one error per object left in the body, and none shorter than 64 bytes in the
        // usual shape: room for them at once (they are large, and would be moved as they grow).
        result.PartialErrors.reserve(std::min(Count(in.Rest(), '{'), in.Rest().size() / 64));
        do {
          if (in.Literal("null")) continue;  // skipped, as the general reader does
          if (!in.Eat('{') || !ScanPartialError(in, result.PartialErrors, scratch)) return false;
        } while (in.Eat(','));
        if (!in.Eat(']')) return false;
      } else {
        return false;  // another member (a fault has Type), or one given twice
      }
    } while (in.Eat(','));
    if (!in.Eat('}')) return false;
  }
  return in.AtEnd();
}

}  // namespace bingads::internal
