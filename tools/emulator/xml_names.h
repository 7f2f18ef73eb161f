// Namespace-aware names over pugixml (which keeps prefixes but does not resolve them).
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>

namespace bingads::emulator {

/// The part of a qualified name after the prefix.
std::string_view LocalName(std::string_view qname);
inline std::string_view LocalName(const pugi::xml_node& node) { return LocalName(node.name()); }

/// The namespace URI a qualified name (element name, attribute name or QName value) has at
/// `node`, from the xmlns declarations in scope; "" when unbound.
std::string NamespaceOf(pugi::xml_node node, std::string_view qname);
inline std::string NamespaceOf(const pugi::xml_node& node) {
  return NamespaceOf(node, node.name());
}

/// An element with that namespace URI and local name.
bool Is(const pugi::xml_node& node, std::string_view ns, std::string_view local);

}  // namespace bingads::emulator
