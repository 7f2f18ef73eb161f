// The namespace table soapcpp2 generated for wsdl/, defined once here under a name of our own:
// the codec sets it on every gSOAP context it makes.
#define namespaces bingads_soap_namespaces
#include "BasicHttpBinding_USCOREICampaignManagementService.nsmap"
#undef namespaces
#include "soapH.h"

// gSOAP's runtime library (libgsoap++) refers to a global `namespaces` table, its default, so
// every program and shared library that loads it must define one. This empty one serves, since
// the codec never uses the default (cmake/bingads-budgets.map says why the shared library
// exports it).
struct Namespace namespaces[] = {{nullptr, nullptr, nullptr, nullptr}};
