#include "official_wsdl.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <pugixml.hpp>
#include <sstream>
#include <stdexcept>

#include "support.h"
#include "xml_names.h"

namespace testing {
namespace {

using bingads::emulator::Is;
using bingads::emulator::LocalName;
using bingads::emulator::NamespaceOf;

constexpr const char* kXs = "http://www.w3.org/2001/XMLSchema";
constexpr const char* kWsdl = "http://schemas.xmlsoap.org/wsdl/";
constexpr const char* kSoapBinding = "http://schemas.xmlsoap.org/wsdl/soap/";
constexpr const char* kWsaw = "http://www.w3.org/2006/05/addressing/wsdl";
constexpr const char* kSoapEnv = "http://schemas.xmlsoap.org/soap/envelope/";

std::string Resolve(const pugi::xml_node& node, const char* qname) {
  return "{" + NamespaceOf(node, qname) + "}" + std::string(LocalName(qname));
}

pugi::xml_document Load(const std::filesystem::path& path) {
  pugi::xml_document doc;
  const auto result = doc.load_file(path.c_str());
  if (!result)
    throw std::runtime_error("cannot parse " + path.string() + ": " + result.description());
  return doc;
}

std::string Attr(const pugi::xml_node& n, const char* name, const char* fallback) {
  auto a = n.attribute(name);
  return a ? a.value() : fallback;
}

// A canonical description of a schema component, with every QName resolved.
std::string Signature(const pugi::xml_node& node) {
  std::string out;
  for (auto child : node.children()) {
    if (child.type() != pugi::node_element || NamespaceOf(child) != kXs) continue;
    const std::string_view kind = LocalName(child);
    if (kind == "annotation") continue;
    if (kind == "element") {
      out += "element " + Attr(child, "name", "?") + " min=" + Attr(child, "minOccurs", "1") +
             " max=" + Attr(child, "maxOccurs", "1") +
             " nillable=" + Attr(child, "nillable", "false");
      if (child.attribute("type"))
        out += " type=" + Resolve(child, child.attribute("type").value());
      out += "\n" + Signature(child);
    } else if (kind == "extension" || kind == "restriction") {
      out += std::string(kind) + " base=" + Resolve(child, child.attribute("base").value()) + "\n";
      out += Signature(child);
    } else if (kind == "enumeration") {
      out += "enum " + Attr(child, "value", "?") + "\n";
    } else if (kind == "import") {
      continue;
    } else {
      out += std::string(kind) + "\n" + Signature(child);
    }
  }
  return out;
}

// Schema components by "{ns}kind:name".
std::map<std::string, pugi::xml_node> Components(const pugi::xml_document& wsdl) {
  std::map<std::string, pugi::xml_node> out;
  auto types = wsdl.document_element().find_child([](auto n) { return Is(n, kWsdl, "types"); });
  for (auto schema : types.children()) {
    if (!Is(schema, kXs, "schema")) continue;
    const std::string ns = schema.attribute("targetNamespace").value();
    for (auto c : schema.children()) {
      if (c.type() != pugi::node_element || !c.attribute("name")) continue;
      out["{" + ns + "}" + std::string(LocalName(c)) + ":" + c.attribute("name").value()] = c;
    }
  }
  return out;
}

// Named WSDL children ("message", "portType", "binding") by name.
std::map<std::string, pugi::xml_node> Named(const pugi::xml_document& wsdl, const char* kind) {
  std::map<std::string, pugi::xml_node> out;
  for (auto c : wsdl.document_element().children()) {
    if (Is(c, kWsdl, kind)) out[c.attribute("name").value()] = c;
  }
  return out;
}

// The operations of every portType or binding, by "<parent name>/<operation name>".
std::map<std::string, pugi::xml_node> Operations(const pugi::xml_document& wsdl, const char* kind) {
  std::map<std::string, pugi::xml_node> out;
  for (const auto& [name, parent] : Named(wsdl, kind)) {
    for (auto op : parent.children()) {
      if (Is(op, kWsdl, "operation")) out[name + "/" + op.attribute("name").value()] = op;
    }
  }
  return out;
}

std::string MessageSignature(const pugi::xml_node& message) {
  std::string out;
  for (auto part : message.children()) {
    if (!Is(part, kWsdl, "part")) continue;
    out += std::string(part.attribute("name").value()) + "=" +
           Resolve(part, part.attribute("element").value()) + "\n";
  }
  return out;
}

std::string OperationActions(const pugi::xml_node& op) {
  std::string out;
  for (auto c : op.children()) {
    if (c.type() != pugi::node_element) continue;
    out += std::string(LocalName(c)) + " " + Attr(c, "name", "") + " action=";
    for (auto a : c.attributes()) {
      if (LocalName(a.name()) == "Action" && NamespaceOf(c, a.name()) == kWsaw) out += a.value();
    }
    out += "\n";
  }
  return out;
}

// soapAction, style and the headers/body/faults of each direction of a binding operation.
std::map<std::string, std::string> BindingFacts(const pugi::xml_node& op) {
  std::map<std::string, std::string> facts;
  for (auto c : op.children()) {
    if (Is(c, kSoapBinding, "operation")) {
      facts["soapAction"] = Attr(c, "soapAction", "");
      facts["style"] = Attr(c, "style", "");
    }
    if (c.type() != pugi::node_element || NamespaceOf(c) != kWsdl) continue;
    const std::string dir = std::string(LocalName(c)) + " " + Attr(c, "name", "");
    for (auto h : c.children()) {
      if (h.type() != pugi::node_element) continue;
      const std::string what =
          std::string(LocalName(h)) + " " + Attr(h, "part", Attr(h, "name", "").c_str());
      facts[dir + " " + what] = "use=" + Attr(h, "use", "") + " ns=" + Attr(h, "namespace", "-");
    }
  }
  return facts;
}

std::string Shell(const std::string& command, int* status) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  *status = pclose(pipe);
  return output;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// A line of an official signature a subset may leave out: an enumeration value or an optional
// element (one without an anonymous type, whose nested lines could not be left out).
bool Omissible(const std::string& line) {
  return line.rfind("enum ", 0) == 0 ||
         (line.rfind("element ", 0) == 0 && line.find(" min=0 ") != std::string::npos);
}

// True when `mine` is `theirs` with only omissible lines left out, the rest in the same order.
bool IsOrderedSubset(const std::string& mine, const std::string& theirs) {
  const auto ours = Lines(mine);
  const auto official = Lines(theirs);
  std::size_t j = 0;
  for (const auto& line : ours) {
    for (; j < official.size() && official[j] != line; ++j) {
      if (!Omissible(official[j])) return false;
    }
    if (j == official.size()) return false;
    ++j;
  }
  for (; j < official.size(); ++j) {
    if (!Omissible(official[j])) return false;
  }
  return true;
}

// A component's signature plus its own nillability and type (for global elements).
std::string ComponentSignature(const pugi::xml_node& node) {
  return Signature(node) + "nillable=" + Attr(node, "nillable", "false") +
         (node.attribute("type") ? " type=" + Resolve(node, node.attribute("type").value()) : "");
}

void CompareComponents(const pugi::xml_document& ours, const pugi::xml_document& official,
                       const std::set<std::string>& subsets, std::vector<std::string>& problems) {
  const auto their_components = Components(official);
  for (const auto& [key, node] : Components(ours)) {
    auto it = their_components.find(key);
    if (it == their_components.end()) {
      problems.push_back("not in the official WSDL: " + key);
      continue;
    }
    const std::string mine = ComponentSignature(node);
    const std::string theirs = ComponentSignature(it->second);
    const bool same = subsets.count(key) != 0 ? IsOrderedSubset(mine, theirs) : mine == theirs;
    if (!same)
      problems.push_back(key + " differs:\n--- ours\n" + mine + "\n--- official\n" + theirs);
  }
}

void CompareMessages(const pugi::xml_document& ours, const pugi::xml_document& official,
                     std::vector<std::string>& problems) {
  const auto their_messages = Named(official, "message");
  for (const auto& [name, node] : Named(ours, "message")) {
    auto it = their_messages.find(name);
    if (it == their_messages.end()) {
      problems.push_back("message not in the official WSDL: " + name);
      continue;
    }
    const std::string mine = MessageSignature(node);
    const std::string theirs = MessageSignature(it->second);
    // Our header messages carry the documented subset of the official header parts.
    if (name.size() > 8 && name.substr(name.size() - 8) == "_Headers") {
      for (const auto& line : Lines(mine)) {
        if (theirs.find(line + "\n") == std::string::npos)
          problems.push_back("header part " + line + " of " + name + " is not official");
      }
    } else if (mine != theirs) {
      problems.push_back("message " + name + " differs: ours " + mine + " official " + theirs);
    }
  }
}

void ComparePortTypes(const pugi::xml_document& ours, const pugi::xml_document& official,
                      std::vector<std::string>& problems) {
  const auto their_ops = Operations(official, "portType");
  for (const auto& [key, op] : Operations(ours, "portType")) {
    auto it = their_ops.find(key);
    if (it == their_ops.end()) {
      problems.push_back("portType operation not official: " + key);
    } else if (OperationActions(op) != OperationActions(it->second)) {
      problems.push_back("portType operation " + key + " differs:\n" + OperationActions(op) +
                         "vs\n" + OperationActions(it->second));
    }
  }
}

void CompareBindings(const pugi::xml_document& ours, const pugi::xml_document& official,
                     std::vector<std::string>& problems) {
  const auto their_bindings = Operations(official, "binding");
  for (const auto& [key, op] : Operations(ours, "binding")) {
    auto it = their_bindings.find(key);
    if (it == their_bindings.end()) {
      problems.push_back("binding operation not official: " + key);
      continue;
    }
    const auto theirs = BindingFacts(it->second);
    for (const auto& [fact, value] : BindingFacts(op)) {
      auto t = theirs.find(fact);
      if (t == theirs.end() || t->second != value) {
        problems.push_back("binding " + key + ": " + fact + " = " + value + " is not official");
      }
    }
  }
}

// The soap:address of every port, by "<service name>/<port name>", with the port's binding.
std::map<std::string, std::string> Addresses(const pugi::xml_document& wsdl) {
  std::map<std::string, std::string> out;
  for (const auto& [service_name, service] : Named(wsdl, "service")) {
    for (auto port : service.children()) {
      if (!Is(port, kWsdl, "port")) continue;
      auto address = port.find_child([](auto n) { return Is(n, kSoapBinding, "address"); });
      out[service_name + "/" + Attr(port, "name", "?")] =
          Resolve(port, port.attribute("binding").value()) + " at " +
          Attr(address, "location", "?");
    }
  }
  return out;
}

void CompareAddresses(const pugi::xml_document& ours, const pugi::xml_document& official,
                      std::vector<std::string>& problems) {
  const auto theirs = Addresses(official);
  for (const auto& [port, value] : Addresses(ours)) {
    auto it = theirs.find(port);
    if (it == theirs.end() || it->second != value)
      problems.push_back("service port " + port + ": " + value + " is not official");
  }
}

std::optional<std::filesystem::path> ReferenceWsdl(const char* file) {
  auto dir = ReferenceDir();
  if (!dir) return std::nullopt;
  auto path = *dir / "wsdl" / file;
  if (!std::filesystem::exists(path)) return std::nullopt;
  return path;
}

}  // namespace

std::optional<std::filesystem::path> OfficialWsdl() {
  return ReferenceWsdl("campaignmanagement_service.production.wsdl");
}

std::optional<std::filesystem::path> OfficialReportingWsdl() {
  return ReferenceWsdl("reporting_service.production.wsdl");
}

bool HaveXmllint() { return std::system("command -v xmllint >/dev/null 2>&1") == 0; }

std::vector<std::string> CompareWithOfficial(const std::filesystem::path& ours_path,
                                             const std::filesystem::path& official_path,
                                             const std::set<std::string>& subsets) {
  std::vector<std::string> problems;
  const auto ours = Load(ours_path);
  const auto official = Load(official_path);
  CompareComponents(ours, official, subsets, problems);
  CompareMessages(ours, official, problems);
  ComparePortTypes(ours, official, problems);
  CompareBindings(ours, official, problems);
  CompareAddresses(ours, official, problems);
  return problems;
}

std::string ValidateEnvelopeAgainstOfficial(const std::string& envelope,
                                            const std::filesystem::path& official_path) {
  const auto official = Load(official_path);
  const auto root = official.document_element();
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("bingads-official-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
  std::filesystem::create_directories(dir);

  // One .xsd per embedded schema; imports point at their files; the WSDL root's namespace
  // declarations are copied onto each schema so its QNames keep resolving.
  std::map<std::string, std::string> files;
  std::vector<pugi::xml_node> schemas;
  auto types = root.find_child([](auto n) { return Is(n, kWsdl, "types"); });
  for (auto schema : types.children()) {
    if (!Is(schema, kXs, "schema")) continue;
    files[schema.attribute("targetNamespace").value()] =
        (dir / ("s" + std::to_string(schemas.size()) + ".xsd")).string();
    schemas.push_back(schema);
  }
  for (auto schema : schemas) {
    pugi::xml_document out;
    auto copy = out.append_copy(schema);
    for (auto a : root.attributes()) {
      const std::string_view name = a.name();
      if (name.rfind("xmlns", 0) == 0 && !copy.attribute(a.name()))
        copy.append_attribute(a.name()) = a.value();
    }
    for (auto import : copy.children()) {
      if (!Is(import, kXs, "import")) continue;
      auto it = files.find(import.attribute("namespace").value());
      if (it != files.end()) import.append_attribute("schemaLocation") = it->second.c_str();
    }
    out.save_file(files[schema.attribute("targetNamespace").value()].c_str());
  }

  // A driver schema importing all of them, so any global element can be validated.
  {
    std::ofstream driver(dir / "all.xsd");
    driver << "<xs:schema xmlns:xs=\"" << kXs << "\" targetNamespace=\"urn:bingads-budgets:test\">";
    for (const auto& [ns, file] : files)
      driver << "<xs:import namespace=\"" << ns << "\" schemaLocation=\"" << file << "\"/>";
    driver << "</xs:schema>";
  }

  pugi::xml_document env;
  if (!env.load_string(envelope.c_str())) {
    std::filesystem::remove_all(dir);
    return "the envelope is not well-formed XML";
  }
  std::vector<pugi::xml_node> parts;
  for (auto part : env.document_element().children()) {
    if (Is(part, kSoapEnv, "Header")) {
      for (auto h : part.children()) {
        if (h.type() == pugi::node_element) parts.push_back(h);
      }
    } else if (Is(part, kSoapEnv, "Body")) {
      for (auto b : part.children()) {
        if (b.type() == pugi::node_element) parts.push_back(b);
      }
    }
  }
  std::string complaints;
  int index = 0;
  for (auto part : parts) {
    pugi::xml_document instance;
    auto copy = instance.append_copy(part);
    // Carry the namespace declarations in scope at the original element.
    for (auto n = part.parent(); n; n = n.parent()) {
      for (auto a : n.attributes()) {
        const std::string_view name = a.name();
        if (name.rfind("xmlns", 0) == 0 && !copy.attribute(a.name()))
          copy.append_attribute(a.name()) = a.value();
      }
    }
    const auto file = dir / ("part" + std::to_string(index++) + ".xml");
    instance.save_file(file.c_str());
    int status = 0;
    const std::string output = Shell("xmllint --noout --nonet --schema '" +
                                         (dir / "all.xsd").string() + "' '" + file.string() + "'",
                                     &status);
    if (status != 0) complaints += output;
  }
  std::filesystem::remove_all(dir);
  if (parts.empty()) return "the envelope has neither header elements nor a body payload";
  return complaints;
}

}  // namespace testing
