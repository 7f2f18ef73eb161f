#!/usr/bin/python3
"""A peer of `bingads-budgets --protocol soap get`: every budget of an account read through
Microsoft's official WSDL by a Python SOAP stack, zeep or suds.

    peer_soap.py zeep|suds WSDL BASE_URL

Credentials come from BINGADS_DEVELOPER_TOKEN, BINGADS_ACCESS_TOKEN, BINGADS_CUSTOMER_ID and
BINGADS_ACCOUNT_ID, as for our CLI. Prints the number of budget slots read.
"""
import os
import sys

SERVICE_PATH = "/Api/Advertiser/CampaignManagement/v13/CampaignManagementService.svc"


def headers():
    return {
        "AuthenticationToken": os.environ["BINGADS_ACCESS_TOKEN"],
        "CustomerAccountId": os.environ["BINGADS_ACCOUNT_ID"],
        "CustomerId": os.environ["BINGADS_CUSTOMER_ID"],
        "DeveloperToken": os.environ["BINGADS_DEVELOPER_TOKEN"],
    }


def with_zeep(wsdl, address):
    import zeep

    client = zeep.Client(wsdl)
    service = client.create_service(
        "{https://bingads.microsoft.com/CampaignManagement/v13}BasicHttpBinding_ICampaignManagementService",
        address,
    )
    # The operation has an output header (TrackingId): zeep then returns body and header.
    response = service.GetBudgetsByIds(BudgetIds=None, _soapheaders=headers()).body
    return len(response.Budgets.Budget) if response.Budgets is not None else 0


def with_suds(wsdl, address):
    import suds.client

    client = suds.client.Client("file://" + os.path.abspath(wsdl), location=address, cache=None)
    client.set_options(soapheaders=headers())
    response = client.service.GetBudgetsByIds(BudgetIds=None)
    budgets = getattr(response, "Budgets", None)
    return len(budgets.Budget) if budgets else 0


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("zeep", "suds"):
        sys.exit(__doc__)
    stack, wsdl, base = sys.argv[1:]
    read = with_zeep if stack == "zeep" else with_suds
    print(read(wsdl, base + SERVICE_PATH))


if __name__ == "__main__":
    main()
