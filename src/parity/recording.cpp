// Record and replay: a decorator that writes every exchange into a folder, secrets redacted, and a
// transport that answers from such a folder, matching requests on what they ask.
#include <bingads/json.h>
#include <bingads/recording.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <pugixml.hpp>
#include <sstream>

#include "files.h"
#include "internal.h"
#include "text.h"
#include "xml_text.h"

namespace bingads {
namespace {

// What identifies an exchange for replay: protocol, operation and what the request asks.
struct Key {
  std::string protocol;   // "soap", "rest", "token" or "download" (a report file)
  std::string operation;  // e.g. "GetBudgetsByIds"
  std::string ask;        // e.g. "ids 1,2,3" or "budgets [...]"
  bool operator<(const Key& o) const {
    return std::tie(protocol, operation, ask) < std::tie(o.protocol, o.operation, o.ask);
  }
};

std::string PathOf(const std::string& url) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return "/";
  return url.substr(slash, url.find('?', slash) - slash);
}

std::string LocalName(const char* name) {
  const char* colon = std::strchr(name, ':');
  return colon != nullptr ? colon + 1 : name;
}

pugi::xml_node Child(pugi::xml_node parent, const char* local) {
  for (pugi::xml_node n = parent.first_child(); n; n = n.next_sibling())
    if (n.type() == pugi::node_element && LocalName(n.name()) == local) return n;
  return {};
}

bool Nil(pugi::xml_node n) {
  for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute())
    if (LocalName(a.name()) == "nil" && std::string(a.value()) == "true") return true;
  return false;
}

std::string BudgetText(const Budget& b) {
  std::string out = "{";
  if (b.Id) out += "Id=" + std::to_string(*b.Id) + ";";
  if (b.Name) out += "Name=" + *b.Name + ";";
  if (b.Amount) out += "Amount=" + b.Amount->Canonical() + ";";
  if (b.BudgetType) out += "BudgetType=" + std::string(b.BudgetType->Text()) + ";";
  return out + "}";
}

std::string IdsText(const std::vector<std::string>& ids) {
  if (ids.empty()) return "ids (none: every budget)";
  std::string out = "ids ";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + ids[i];
  return out;
}

// What a SOAP request asks: its ids, or its budgets, from the envelope.
std::string SoapAsk(const std::string& body) {
  if (internal::CheckXmlText(body).problem) return "(not acceptable XML)";
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return "(not XML)";
  pugi::xml_node request = Child(doc.document_element(), "Body").first_child();
  while (request && request.type() != pugi::node_element) request = request.next_sibling();
  if (!request) return "(no request)";
  if (pugi::xml_node report = Child(request, "ReportRequest")) {
    std::ostringstream text;
    report.print(text, "", pugi::format_raw);
    return "report " + text.str();
  }
  if (pugi::xml_node id = Child(request, "ReportRequestId")) {
    return std::string("report request ") + id.text().get();
  }
  if (pugi::xml_node ids = Child(request, "BudgetIds")) {
    std::vector<std::string> list;
    for (pugi::xml_node id = ids.first_child(); id; id = id.next_sibling())
      if (id.type() == pugi::node_element) list.push_back(Nil(id) ? "nil" : id.text().get());
    return IdsText(list);
  }
  if (pugi::xml_node budgets = Child(request, "Budgets")) {
    std::string out = "budgets ";
    for (pugi::xml_node n = budgets.first_child(); n; n = n.next_sibling()) {
      if (n.type() != pugi::node_element) continue;
      Budget b;
      for (pugi::xml_node f = n.first_child(); f; f = f.next_sibling()) {
        if (f.type() != pugi::node_element || Nil(f)) continue;
        const std::string field = LocalName(f.name()), text = f.text().get();
        if (field == "Id") b.Id = internal::ParseWhole<std::int64_t>(text);
        if (field == "Name") b.Name = text;
        if (field == "Amount") b.Amount = Decimal::Parse(text);
        if (field == "BudgetType") b.BudgetType = text;
      }
      out += BudgetText(b);
    }
    return out;
  }
  return "ids (none: every budget)";
}

// What a REST request asks, from its JSON body.
std::string RestAsk(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag>(body.data(),
                                                                                    body.size());
  if (doc.HasParseError() || !doc.IsObject()) return "(not JSON)";
  if (doc.HasMember("ReportRequest")) return "report " + body;
  if (auto it = doc.FindMember("ReportRequestId"); it != doc.MemberEnd() && it->value.IsString()) {
    return std::string("report request ") + it->value.GetString();
  }
  if (doc.HasMember("Budgets")) {
    try {
      std::string out = "budgets ";
      for (const Budget& b : BudgetsFromJson(body)) out += BudgetText(b);
      return out;
    } catch (const Error&) {
      return "(unreadable budgets)";
    }
  }
  std::vector<std::string> ids;
  if (auto it = doc.FindMember("BudgetIds"); it != doc.MemberEnd() && it->value.IsArray()) {
    for (const auto& v : it->value.GetArray()) ids.push_back(v.IsString() ? v.GetString() : "nil");
  }
  return IdsText(ids);
}

Key KeyOf(const HttpRequest& request) {
  const std::string path = PathOf(request.url);
  if (path.size() >= 4 && path.compare(path.size() - 4, 4, ".svc") == 0) {
    std::string action;
    for (const auto& [name, value] : request.headers)
      if (internal::EqualsIgnoreCase(name, "SOAPAction")) action = value;
    action.erase(std::remove(action.begin(), action.end(), '"'), action.end());
    return {"soap", action, SoapAsk(request.body)};
  }
  if (path.find("/oauth2/") != std::string::npos) return {"token", "Token", "refresh_token grant"};
  // A report file's download: a GET with no body, to wherever the poll said.
  if (request.method == "GET") return {"download", "DownloadReport", "file " + path};
  if (path.rfind("/Reporting/v13/GenerateReport/", 0) == 0) {
    const bool submit = path == "/Reporting/v13/GenerateReport/Submit";
    return {"rest", submit ? "SubmitGenerateReport" : "PollGenerateReport", RestAsk(request.body)};
  }
  static const std::map<std::pair<std::string, std::string>, std::string> kRest = {
      {{"POST", "/Budgets/QueryByIds"}, "GetBudgetsByIds"},
      {{"POST", "/Budgets"}, "AddBudgets"},
      {{"PUT", "/Budgets"}, "UpdateBudgets"},
      {{"DELETE", "/Budgets"}, "DeleteBudgets"},
      {{"POST", "/CampaignIds/QueryByBudgetIds"}, "GetCampaignIdsByBudgetIds"}};
  const auto prefix = path.find(kRestPrefix);
  const std::string resource =
      prefix == std::string::npos ? path : path.substr(prefix + kRestPrefix.size());
  const auto it = kRest.find({request.method, resource});
  return {"rest", it != kRest.end() ? it->second : request.method + " " + resource,
          RestAsk(request.body)};
}

std::string Extension(const std::string& protocol) {
  if (protocol == "download") return ".zip";
  return protocol == "soap" ? ".xml" : ".json";
}

// A poll's ReportDownloadUrl is a bearer credential: the recording keeps a stand-in URL of its own
// instead (which a replay gives, and then answers the download of), never the real one. Returns
// the body with `stand_in` in place of the URL, and the real URL in `real` ("" when none).
std::string ReplaceDownloadUrl(const std::string& body, const std::string& stand_in,
                               std::string& real) {
  real.clear();
  const bool json = !body.empty() && body.front() == '{';
  const std::string open = json ? "\"ReportDownloadUrl\":\"" : "ReportDownloadUrl>";
  const std::size_t at = body.find(open);
  if (at == std::string::npos) return body;
  const std::size_t start = at + open.size();
  const std::size_t end = body.find(json ? '"' : '<', start);
  if (end == std::string::npos) return body;
  real = body.substr(start, end - start);
  for (const auto& [escaped, plain] :
       {std::pair<std::string, std::string>{"&amp;", "&"}, {"\\/", "/"}, {"\\u0026", "&"}}) {
    for (std::size_t p = real.find(escaped); p != std::string::npos; p = real.find(escaped, p)) {
      real.replace(p, escaped.size(), plain);
    }
  }
  return body.substr(0, start) + stand_in + body.substr(end);
}

constexpr const char* kIndex = "index.jsonl";

template <typename Writer>
void WriteHeaders(Writer& w, const HttpHeaders& headers) {
  w.StartArray();
  for (const auto& [name, value] : headers) {
    w.StartArray();
    w.String(name.c_str());
    const std::string shown = internal::RedactHeader(name, value);
    w.String(shown.c_str());
    w.EndArray();
  }
  w.EndArray();
}

// The index line of one exchange.
std::string IndexEntry(int seq, const Key& key, const HttpRequest& request,
                       const HttpResponse& response, const std::string& stem,
                       const std::string& ext) {
  rapidjson::StringBuffer line;
  rapidjson::Writer<rapidjson::StringBuffer> w(line);
  w.StartObject();
  w.Key("seq");
  w.Int(seq);
  w.Key("protocol");
  w.String(key.protocol.c_str());
  w.Key("operation");
  w.String(key.operation.c_str());
  w.Key("asks");
  w.String(key.ask.c_str());
  w.Key("method");
  w.String(request.method.c_str());
  w.Key("path");
  w.String(PathOf(request.url).c_str());
  w.Key("status");
  w.Int(response.status);
  w.Key("request");
  w.String((stem + ".request" + ext).c_str());
  w.Key("response");
  w.String((stem + ".response" + ext).c_str());
  w.Key("request_headers");
  WriteHeaders(w, request.headers);
  w.Key("response_headers");
  WriteHeaders(w, response.headers);
  w.EndObject();
  return std::string(line.GetString(), line.GetSize()) + "\n";
}

// The folder of a recording, made owner-only when missing; a FileError becomes Error(kUsage).
std::unique_ptr<internal::Folder> OpenFolder(const std::string& directory, bool create,
                                             const char* who) {
  try {
    return std::make_unique<internal::Folder>(directory, create);
  } catch (const internal::FileError& e) {
    throw Error(ErrorKind::kUsage, std::string(who) + ": " + e.what(), 0, true);
  }
}

class RecordingTransport final : public HttpTransport {
 public:
  RecordingTransport(std::shared_ptr<HttpTransport> inner, const std::string& directory)
      : inner_(std::move(inner)), folder_(OpenFolder(directory, true, "recording")) {
    // A recording already there is continued; its files are never written again, since every
    // file is made new (refused when the name exists) and the index only appended to.
    try {
      if (folder_->Holds(kIndex)) {
        const std::string index = folder_->Read(kIndex, kDefaultMaxResponseBytes);
        count_ = static_cast<int>(std::count(index.begin(), index.end(), '\n'));
      }
    } catch (const internal::FileError& e) {
      throw Error(ErrorKind::kUsage, std::string("recording: ") + e.what(), 0, true);
    }
  }

  HttpResponse Send(const HttpRequest& request, const CallContext& context) override {
    HttpResponse response = inner_->Send(request, context);
    Key key = KeyOf(request);
    std::lock_guard<std::mutex> lock(mutex_);
    char number[16];
    std::snprintf(number, sizeof number, "%04d", ++count_);
    const std::string stem = std::string(number) + "-" + key.protocol + "-" + key.operation;
    const std::string ext = Extension(key.protocol);
    HttpRequest shown = request;
    std::string response_body = internal::RedactBody(response.body);
    if (key.operation == "PollGenerateReport") {
      std::string real;
      const std::string stand_in =
          "https://download.recording.invalid/" + std::string(number) + ".zip";
      // Its one secret, the URL, is replaced; redaction would hide the stand-in too.
      response_body = ReplaceDownloadUrl(response.body, stand_in, real);
      if (!real.empty()) stand_ins_[real] = stand_in;
    } else if (key.protocol == "download") {
      const auto it = stand_ins_.find(request.url);
      shown.url =
          it != stand_ins_.end() ? it->second : "https://download.recording.invalid/unknown";
      key = KeyOf(shown);
      response_body = response.body;  // a ZIP: no header of ours in it, kept byte for byte
    }
    try {
      folder_->Create(stem + ".request" + ext, internal::RedactBody(request.body));
      folder_->Create(stem + ".response" + ext, response_body);
      folder_->Append(kIndex, IndexEntry(count_, key, shown, response, stem, ext));
    } catch (const internal::FileError& e) {
      // The call was made: only its recording failed.
      throw Error(ErrorKind::kUsage, "recording in " + folder_->Path() + ": " + e.what());
    }
    return response;
  }

 private:
  std::shared_ptr<HttpTransport> inner_;
  std::unique_ptr<internal::Folder> folder_;
  std::mutex mutex_;
  int count_ = 0;
  std::map<std::string, std::string> stand_ins_;  // real download URL -> its stand-in
};

// One line of a recording's index, checked field by field before anything of it is used: every
// refusal names the line and the reason.
class IndexLine {
 public:
  IndexLine(std::string_view text, int number) : number_(number) {
    doc_.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(text.data(),
                                                                                       text.size());
    if (doc_.HasParseError() || !doc_.IsObject()) Refuse("not a JSON object");
  }

  [[noreturn]] void Refuse(const std::string& reason) const {
    throw Error(
        ErrorKind::kUsage,
        "replay: " + std::string(kIndex) + " line " + std::to_string(number_) + ": " + reason, 0,
        true);
  }

  // The string member `name`, of at most `max` bytes.
  std::string Text(const char* name, std::size_t max = 4096) const {
    const auto it = doc_.FindMember(name);
    if (it == doc_.MemberEnd() || !it->value.IsString())
      Refuse(std::string(name) + " is not a string");
    if (it->value.GetStringLength() > max) Refuse(std::string(name) + " is too long");
    return std::string(it->value.GetString(), it->value.GetStringLength());
  }

  // The string member `name`, one of `allowed`.
  std::string OneOf(const char* name, std::initializer_list<std::string_view> allowed) const {
    std::string value = Text(name);
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      Refuse(std::string(name) + " is not one of the values a recording holds");
    }
    return value;
  }

  int Status() const {
    const auto it = doc_.FindMember("status");
    if (it == doc_.MemberEnd() || !it->value.IsInt() || it->value.GetInt() < 100 ||
        it->value.GetInt() > 599) {
      Refuse("status is not an HTTP status (a whole number from 100 to 599)");
    }
    return it->value.GetInt();
  }

  // The [name, value] pairs of the member `name`.
  HttpHeaders Headers(const char* name) const {
    const auto it = doc_.FindMember(name);
    if (it == doc_.MemberEnd() || !it->value.IsArray())
      Refuse(std::string(name) + " is not a list");
    HttpHeaders headers;
    for (const auto& pair : it->value.GetArray()) {
      if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsString()) {
        Refuse(std::string(name) + " holds an item that is not a [name, value] pair of strings");
      }
      std::string header(pair[0].GetString(), pair[0].GetStringLength());
      std::string value(pair[1].GetString(), pair[1].GetStringLength());
      // They may be sent again (the emulator serves them): nothing that would split a header.
      const auto control = [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; };
      if (header.empty() || header.find_first_of(" :\t") != std::string::npos ||
          std::any_of(header.begin(), header.end(), control) ||
          std::any_of(value.begin(), value.end(), control)) {
        Refuse(std::string(name) +
               " holds a header name or value with a control character, or a "
               "name that is empty or holds ' ' or ':'");
      }
      headers.emplace_back(std::move(header), std::move(value));
    }
    return headers;
  }

  // The file named by the member `name`: a plain name in the folder, a regular file within
  // the limit.
  std::string File(const internal::Folder& folder, const char* name, std::size_t limit) const {
    const std::string file = Text(name);
    try {
      return folder.Read(file, limit);
    } catch (const internal::FileError& e) {
      Refuse(std::string(name) + " file: " + e.what());
    }
  }

 private:
  rapidjson::Document doc_;
  int number_;
};

class ReplayTransport final : public HttpTransport {
 public:
  ReplayTransport(const std::string& directory, std::size_t limit) {
    const auto folder = OpenFolder(directory, false, "replay");
    std::string index;
    try {
      if (!folder->Holds(kIndex)) throw internal::FileError("no recording (index.jsonl)");
      index = folder->Read(kIndex, limit);
    } catch (const internal::FileError& e) {
      throw Error(ErrorKind::kUsage, "replay: " + directory + ": " + e.what(), 0, true);
    }
    int number = 0;
    for (std::size_t at = 0; at < index.size();) {
      const std::size_t end = std::min(index.find('\n', at), index.size());
      const std::string_view text(index.data() + at, end - at);
      at = end + 1;
      ++number;
      if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      Recorded r = Load(IndexLine(text, number), *folder, limit);
      r.seq = number;
      exchanges_[r.key].push_back(std::move(r));
    }
  }

  HttpResponse Send(const HttpRequest& request, const CallContext&) override {
    const Key key = KeyOf(request);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = exchanges_.find(key);
    if (it == exchanges_.end()) throw NoMatch(key);
    std::size_t& next = served_[key];
    const Recorded& r = it->second[std::min(next, it->second.size() - 1)];
    ++next;
    return r.response;
  }

 private:
  struct Recorded {
    int seq = 0;
    Key key;
    HttpResponse response;
  };

  static Recorded Load(const IndexLine& line, const internal::Folder& folder, std::size_t limit) {
    Recorded r;
    r.key.protocol = line.OneOf("protocol", {"soap", "rest", "token", "download"});
    r.key.operation = line.Text("operation", 200);
    HttpRequest request{line.OneOf("method", {"GET", "POST", "PUT", "DELETE", "PATCH"}),
                        "http://recording" + line.Text("path"), line.Headers("request_headers"),
                        line.File(folder, "request", limit)};
    if (request.url.find("://recording/") == std::string::npos)
      line.Refuse("path does not start with '/'");
    r.key.ask = KeyOf(request).ask;
    r.response.status = line.Status();
    r.response.body = line.File(folder, "response", limit);
    for (auto& [name, value] : line.Headers("response_headers")) {
      // The body is stored decompressed; its framing headers no longer hold.
      if (internal::EqualsIgnoreCase(name, "Content-Encoding") ||
          internal::EqualsIgnoreCase(name, "Content-Length") ||
          internal::EqualsIgnoreCase(name, "Transfer-Encoding"))
        continue;
      r.response.headers.emplace_back(std::move(name), std::move(value));
    }
    return r;
  }

  // The recorded request nearest to `key`: the same protocol and operation, then the longest
  // common start of what it asks.
  Error NoMatch(const Key& key) const {
    const Recorded* nearest = nullptr;
    std::size_t best = 0;
    for (const auto& [k, list] : exchanges_) {
      if (k.protocol != key.protocol || k.operation != key.operation) continue;
      const auto mismatch =
          std::mismatch(k.ask.begin(), k.ask.end(), key.ask.begin(), key.ask.end());
      const auto common = static_cast<std::size_t>(mismatch.first - k.ask.begin());
      if (nearest == nullptr || common > best) {
        nearest = &list.front();
        best = common;
      }
    }
    auto shown = [](const std::string& ask, std::size_t from) {
      const std::size_t start = from > 20 ? from - 20 : 0;
      std::string part = ask.substr(start, 80);
      return (start > 0 ? "..." : "") + part + (start + 80 < ask.size() ? "..." : "");
    };
    std::string message =
        "replay: no recorded " + key.protocol + " " + key.operation + " asks " + shown(key.ask, 0);
    if (nearest == nullptr) {
      message += "; the recording has no " + key.protocol + " " + key.operation + " at all";
    } else {
      message += "; nearest is exchange " + std::to_string(nearest->seq) + ", which asks " +
                 shown(nearest->key.ask, best) + " (they differ from character " +
                 std::to_string(best + 1) + ": " + shown(key.ask, best) + ")";
    }
    return Error(ErrorKind::kTransport, message, 0, true);
  }

  std::map<Key, std::vector<Recorded>> exchanges_;
  std::map<Key, std::size_t> served_;
  std::mutex mutex_;
};

}  // namespace

std::shared_ptr<HttpTransport> MakeRecordingTransport(std::shared_ptr<HttpTransport> inner,
                                                      const std::string& directory) {
  return std::make_shared<RecordingTransport>(std::move(inner), directory);
}

std::shared_ptr<HttpTransport> MakeReplayTransport(const std::string& directory,
                                                   std::size_t max_file_bytes) {
  return std::make_shared<ReplayTransport>(directory, max_file_bytes);
}

}  // namespace bingads
