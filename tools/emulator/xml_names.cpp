#include "xml_names.h"

namespace bingads::emulator {

std::string_view LocalName(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string NamespaceOf(pugi::xml_node node, std::string_view qname) {
  const auto colon = qname.find(':');
  const std::string prefix =
      colon == std::string_view::npos ? "" : std::string(qname.substr(0, colon));
  if (prefix == "xml") return "http://www.w3.org/XML/1998/namespace";
  const std::string attr = prefix.empty() ? std::string("xmlns") : "xmlns:" + prefix;
  for (; node; node = node.parent()) {
    if (auto a = node.attribute(attr.c_str())) return a.value();
  }
  return "";
}

bool Is(const pugi::xml_node& node, std::string_view ns, std::string_view local) {
  return node.type() == pugi::node_element && LocalName(node) == local && NamespaceOf(node) == ns;
}

}  // namespace bingads::emulator
