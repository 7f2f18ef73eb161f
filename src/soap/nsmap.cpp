// The namespace table soapcpp2 generated for wsdl/; defined once here.
#include "BasicHttpBinding_USCOREICampaignManagementService.nsmap"
#include "soapH.h"
