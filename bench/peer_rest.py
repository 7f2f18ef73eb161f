#!/usr/bin/python3
"""A peer of `bingads-budgets --protocol rest get`: every budget of an account read with Python's
standard library only (urllib and json), as a script without an SDK would.

    peer_rest.py BASE_URL

Credentials come from the same variables as for our CLI. Prints the number of budget slots read.
"""
import json
import os
import sys
import urllib.request


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    request = urllib.request.Request(
        sys.argv[1] + "/CampaignManagement/v13/Budgets/QueryByIds",
        data=json.dumps({"BudgetIds": None}).encode(),
        method="POST",
        headers={
            "Authorization": "Bearer " + os.environ["BINGADS_ACCESS_TOKEN"],
            "DeveloperToken": os.environ["BINGADS_DEVELOPER_TOKEN"],
            "CustomerId": os.environ["BINGADS_CUSTOMER_ID"],
            "CustomerAccountId": os.environ["BINGADS_ACCOUNT_ID"],
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.load(response)
    print(len(body.get("Budgets") or []))


if __name__ == "__main__":
    main()
