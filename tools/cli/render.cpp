// Parity reports for people (terminal table, offline HTML with SVG charts) and machines (JSON):
// the CLI's output, not the library's.
#include "render.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "checks.h"

namespace bingads::cli {
namespace {

std::string Fixed(double value, int decimals = 2) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

bool AllParity(const std::vector<Comparison>& comparisons) {
  return std::all_of(comparisons.begin(), comparisons.end(),
                     [](const Comparison& c) { return c.parity.Parity() && c.error.empty(); });
}

std::string Escape(std::string_view text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

}  // namespace

std::string RenderTable(const std::vector<Comparison>& comparisons) {
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "%-46s %-8s %11s %11s %11s %11s %13s %13s\n", "comparison",
                "parity", "SOAP p50 ms", "REST p50 ms", "SOAP p95 ms", "REST p95 ms", "SOAP bytes",
                "REST bytes");
  out << line;
  for (const auto& c : comparisons) {
    const std::string label = c.label.size() > 46 ? c.label.substr(0, 43) + "..." : c.label;
    const char* verdict = !c.error.empty() ? "ERROR" : c.parity.Parity() ? "yes" : "NO";
    auto bytes = [](const ProtocolCost& p) {
      return std::to_string(p.request_bytes + p.response_wire_bytes);
    };
    std::snprintf(line, sizeof line, "%-46s %-8s %11s %11s %11s %11s %13s %13s\n", label.c_str(),
                  verdict, Fixed(c.soap.p50_ms).c_str(), Fixed(c.rest.p50_ms).c_str(),
                  Fixed(c.soap.p95_ms).c_str(), Fixed(c.rest.p95_ms).c_str(), bytes(c.soap).c_str(),
                  bytes(c.rest).c_str());
    out << line;
    for (const auto& d : c.parity.differences) {
      // The service's text, escaped before it reaches a terminal.
      out << "    differs at " << internal::EscapeControls(d.where) << ": SOAP "
          << internal::EscapeControls(d.soap) << " | REST " << internal::EscapeControls(d.rest)
          << "\n";
    }
    if (!c.error.empty()) out << "    error: " << internal::EscapeControls(c.error) << "\n";
  }
  out << "verdict: " << (AllParity(comparisons) ? "PARITY" : "MISMATCH") << " ("
      << comparisons.size() << " comparison" << (comparisons.size() == 1 ? "" : "s")
      << "; bytes = request + response on the wire)\n";
  return out.str();
}

std::string RenderJson(const std::vector<Comparison>& comparisons) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  auto str = [&w](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  auto cost = [&](const ProtocolCost& p) {
    w.StartObject();
    w.Key("calls");
    w.Int(p.calls);
    w.Key("latency_ms");
    w.StartObject();
    w.Key("p50");
    w.Double(p.p50_ms);
    w.Key("p95");
    w.Double(p.p95_ms);
    w.Key("max");
    w.Double(p.max_ms);
    w.Key("all");
    w.StartArray();
    for (double v : p.latencies_ms) w.Double(v);
    w.EndArray();
    w.EndObject();
    w.Key("request_bytes");
    w.Uint64(p.request_bytes);
    w.Key("response_wire_bytes");
    w.Uint64(p.response_wire_bytes);
    w.Key("response_bytes");
    w.Uint64(p.response_bytes);
    w.Key("cpu_ms");
    w.Double(p.cpu_ms);
    w.EndObject();
  };
  w.StartObject();
  w.Key("schema");
  str("bingads-budgets/parity-report/1");
  w.Key("verdict");
  str(AllParity(comparisons) ? "parity" : "mismatch");
  w.Key("comparisons");
  w.StartArray();
  for (const auto& c : comparisons) {
    w.StartObject();
    w.Key("operation");
    str(c.operation);
    w.Key("label");
    str(c.label);
    w.Key("parity");
    w.Bool(c.parity.Parity() && c.error.empty());
    w.Key("error");
    if (c.error.empty()) {
      w.Null();
    } else {
      str(c.error);
    }
    w.Key("differences");
    w.StartArray();
    for (const auto& d : c.parity.differences) {
      w.StartObject();
      w.Key("where");
      str(d.where);
      w.Key("soap");
      str(d.soap);
      w.Key("rest");
      str(d.rest);
      w.EndObject();
    }
    w.EndArray();
    w.Key("soap");
    cost(c.soap);
    w.Key("rest");
    cost(c.rest);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

namespace {

constexpr const char* kSoapColour = "#1f6fb2";
constexpr const char* kRestColour = "#d9731a";

// Every call's latency as a dot on one axis per protocol, with p50 and p95 ticks.
std::string LatencySvg(const Comparison& c) {
  const double width = 520, left = 60, right = 20, row = 34;
  double top = 0;
  for (const ProtocolCost* p : {&c.soap, &c.rest}) {
    for (double v : p->latencies_ms) top = std::max(top, v);
  }
  top = top <= 0 ? 1 : top * 1.1;
  auto x = [&](double v) { return left + (width - left - right) * v / top; };
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
      << (2 * row + 30) << "\" role=\"img\" aria-label=\"latency per call\">";
  int line = 0;
  for (const auto& [name, p, colour] :
       {std::tuple{"SOAP", &c.soap, kSoapColour}, std::tuple{"REST", &c.rest, kRestColour}}) {
    const double y = 18 + row * line++;
    svg << "<text x=\"4\" y=\"" << y + 4 << "\" font-size=\"12\">" << name << "</text>";
    svg << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << y << "\" y2=\""
        << y << "\" stroke=\"#ccc\"/>";
    for (double v : p->latencies_ms) {
      svg << "<circle cx=\"" << Fixed(x(v)) << "\" cy=\"" << y << "\" r=\"3\" fill=\"" << colour
          << "\" fill-opacity=\"0.6\"><title>" << Fixed(v) << " ms</title></circle>";
    }
    const bool same = p->p50_ms == p->p95_ms;  // one label when the ticks coincide
    for (const auto& [label, v] :
         {std::pair{same ? "p50=p95" : "p50", p->p50_ms}, std::pair{"p95", p->p95_ms}}) {
      if (same && std::string_view(label) == "p95") continue;
      svg << "<line x1=\"" << Fixed(x(v)) << "\" x2=\"" << Fixed(x(v)) << "\" y1=\"" << y - 9
          << "\" y2=\"" << y + 9 << "\" stroke=\"#222\" stroke-width=\"2\"/><text x=\""
          << Fixed(x(v) + 2) << "\" y=\"" << y - 10 << "\" font-size=\"9\">" << label << "</text>";
    }
  }
  svg << "<text x=\"" << left << "\" y=\"" << 2 * row + 26
      << "\" font-size=\"10\">0 ms</text><text x=\"" << width - right - 60 << "\" y=\""
      << 2 * row + 26 << "\" font-size=\"10\">" << Fixed(top) << " ms</text>";
  svg << "</svg>";
  return svg.str();
}

// Request, response on the wire and decompressed response bytes, per protocol, as bars.
std::string BytesSvg(const Comparison& c) {
  const double width = 520, left = 150, bar = 12;
  const std::pair<const char*, std::uint64_t ProtocolCost::*> kinds[] = {
      {"request", &ProtocolCost::request_bytes},
      {"response (wire)", &ProtocolCost::response_wire_bytes},
      {"response (decoded)", &ProtocolCost::response_bytes}};
  std::uint64_t top = 1;
  for (const auto& [label, member] : kinds) top = std::max({top, c.soap.*member, c.rest.*member});
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
      << 3 * (2 * bar + 10) + 10 << "\" role=\"img\" aria-label=\"bytes per protocol\">";
  double y = 6;
  for (const auto& [label, member] : kinds) {
    svg << "<text x=\"4\" y=\"" << y + bar + 3 << "\" font-size=\"11\">" << label << "</text>";
    for (const auto& [p, colour] :
         {std::pair{&c.soap, kSoapColour}, std::pair{&c.rest, kRestColour}}) {
      const double w =
          (width - left - 90) * static_cast<double>(p->*member) / static_cast<double>(top);
      svg << "<rect x=\"" << left << "\" y=\"" << y << "\" width=\"" << Fixed(std::max(w, 1.0))
          << "\" height=\"" << bar << "\" fill=\"" << colour << "\"/><text x=\""
          << Fixed(left + w + 4) << "\" y=\"" << y + bar - 2 << "\" font-size=\"10\">" << p->*member
          << "</text>";
      y += bar;
    }
    y += 10;
  }
  svg << "</svg>";
  return svg.str();
}

}  // namespace

std::string RenderHtml(const std::vector<Comparison>& comparisons, const std::string& title) {
  const bool parity = AllParity(comparisons);
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>"
       << Escape(title)
       << "</title><style>"
          "body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}"
          "td,th{border:1px solid #bbb;padding:4px 8px;text-align:left;font-size:13px}"
          ".ok{background:#dff3df}.bad{background:#f8d7d7}.legend "
          "span{display:inline-block;width:12px;"
          "height:12px;margin:0 4px 0 12px}section{margin:18px 0;padding-top:8px;border-top:1px "
          "solid #ddd}"
          "code{font-size:12px}</style></head><body>\n";
  html << "<h1>" << Escape(title) << "</h1>\n<p id=\"verdict\" class=\"" << (parity ? "ok" : "bad")
       << "\">Verdict: <b>" << (parity ? "PARITY" : "MISMATCH") << "</b> over "
       << comparisons.size() << " comparisons.</p>\n";
  html << "<p class=\"legend\">Legend:<span style=\"background:" << kSoapColour
       << "\"></span>SOAP<span style=\"background:" << kRestColour << "\"></span>REST</p>\n";
  html << "<h2>Parity matrix</h2>\n<table "
          "id=\"matrix\"><tr><th>operation</th><th>case</th><th>parity</th>"
          "<th>differences</th><th>SOAP p50 / p95 ms</th><th>REST p50 / p95 ms</th></tr>\n";
  for (const auto& c : comparisons) {
    const bool ok = c.parity.Parity() && c.error.empty();
    html << "<tr class=\"" << (ok ? "ok" : "bad") << "\"><td>" << Escape(c.operation) << "</td><td>"
         << Escape(c.label) << "</td><td>"
         << (ok                ? "&#10003; parity"
             : c.error.empty() ? "&#10007; mismatch"
                               : "&#10007; error")
         << "</td><td>" << c.parity.differences.size() << "</td><td>" << Fixed(c.soap.p50_ms)
         << " / " << Fixed(c.soap.p95_ms) << "</td><td>" << Fixed(c.rest.p50_ms) << " / "
         << Fixed(c.rest.p95_ms) << "</td></tr>\n";
  }
  html << "</table>\n";
  int index = 0;
  for (const auto& c : comparisons) {
    const bool named = c.label.rfind(c.operation, 0) == 0;  // migrate-check labels name it already
    html << "<section id=\"c" << index++ << "\"><h3>"
         << Escape(named ? c.label : c.operation + ": " + c.label) << "</h3>\n";
    if (!c.error.empty()) html << "<p class=\"bad\">Error: " << Escape(c.error) << "</p>\n";
    if (!c.parity.differences.empty()) {
      html << "<table><tr><th>where</th><th>SOAP</th><th>REST</th></tr>";
      for (const auto& d : c.parity.differences) {
        html << "<tr class=\"bad\"><td><code>" << Escape(d.where) << "</code></td><td>"
             << Escape(d.soap) << "</td><td>" << Escape(d.rest) << "</td></tr>";
      }
      html << "</table>\n";
    }
    html << "<h4>Latency per call (" << c.soap.calls << " SOAP, " << c.rest.calls << " REST)</h4>\n"
         << LatencySvg(c) << "\n<h4>Bytes (all calls)</h4>\n"
         << BytesSvg(c) << "\n<p>Client CPU: SOAP " << Fixed(c.soap.cpu_ms) << " ms, REST "
         << Fixed(c.rest.cpu_ms) << " ms.</p></section>\n";
  }
  html << "</body></html>\n";
  return html.str();
}

}  // namespace bingads::cli
