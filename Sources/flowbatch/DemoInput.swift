/// The demo's input: the same rows as `samples/mixed.csv` (`DemoCommandTests` keeps the two equal), embedded so
/// that `flowbatch demo` runs from anywhere.
enum DemoInput {
    static let fileName = "mixed.csv"

    static let csv = """
        name,description,sandbox,auth,host,username,password,authorizationTestUrl,clientId,clientSecret,accessToken,refreshToken,expirationDate,accessTokenUrl,owner,ticket
        CRM (EMEA),CRM records for EMEA,prod,basic,https://crm.emea.example.com/api,svc-crm,example-password-1,,,,,,,,finance-ops,ONB-1001
        Billing (EMEA),Billing records for EMEA,prod,basic,https://billing.emea.example.com/api,svc-billing,example-password-2,,,,,,,,cx-team,ONB-1002
        Support (EMEA),Support records for EMEA,prod,oauth2,https://support.emea.example.com/api,,,https://support.emea.example.com/api/me,support-client,example-client-secret-3,example-access-token-3,example-refresh-token-3,2027-12-31,https://auth.emea.example.com/oauth/token,growth,ONB-1003
        Events (EMEA),Events records for EMEA,dev,basic,https://events.emea.example.com/api,svc-events,example-password-4,,,,,,,,supply-chain,ONB-1004
        Inventory (EMEA),Inventory records for EMEA,prod,basic,https://inventory.emea.example.com/api,svc-inventory,example-password-5,,,,,,,,web-team,ONB-1005
        Loyalty (EMEA),Loyalty records for EMEA,prod,oauth2,https://loyalty.emea.example.com/api,,,https://loyalty.emea.example.com/api/me,loyalty-client,example-client-secret-6,example-access-token-6,example-refresh-token-6,2027-12-31,https://auth.emea.example.com/oauth/token,data-eng,ONB-1006
        Analytics (EMEA),Analytics records for EMEA,prod,basic,https://analytics.emea.example.com/api,svc-analytics,example-password-7,,,,,,,,finance-ops,ONB-1007
        Orders (EMEA),Orders records for EMEA,dev,basic,https://orders.emea.example.com/api,svc-orders,example-password-8,,,,,,,,cx-team,ONB-1008
        Shipping (EMEA),Shipping records for EMEA,prod,oauth2,https://shipping.emea.example.com/api,,,https://shipping.emea.example.com/api/me,shipping-client,example-client-secret-9,example-access-token-9,example-refresh-token-9,2027-12-31,https://auth.emea.example.com/oauth/token,growth,ONB-1009
        Returns (EMEA),Returns records for EMEA,prod,basic,https://returns.emea.example.com/api,svc-returns,example-password-10,,,,,,,,supply-chain,ONB-1010
        Catalog (EMEA),Catalog records for EMEA,prod,basic,https://catalog.emea.example.com/api,svc-catalog,example-password-11,,,,,,,,web-team,ONB-1011
        Pricing (EMEA),Pricing records for EMEA,dev,oauth2,https://pricing.emea.example.com/api,,,https://pricing.emea.example.com/api/me,pricing-client,example-client-secret-12,example-access-token-12,example-refresh-token-12,2027-12-31,https://auth.emea.example.com/oauth/token,data-eng,ONB-1012
        Reviews (EMEA),Reviews records for EMEA,prod,basic,https://reviews.emea.example.com/api,svc-reviews,example-password-13,,,,,,,,finance-ops,ONB-1013
        Surveys (EMEA),Surveys records for EMEA,prod,basic,https://surveys.emea.example.com/api,svc-surveys,example-password-14,,,,,,,,cx-team,ONB-1014
        Payroll (EMEA),Payroll records for EMEA,prod,oauth2,https://payroll.emea.example.com/api,,,https://payroll.emea.example.com/api/me,payroll-client,example-client-secret-15,example-access-token-15,example-refresh-token-15,2027-12-31,https://auth.emea.example.com/oauth/token,growth,ONB-1015
        Leads (EMEA),Leads records for EMEA,dev,basic,https://leads.emea.example.com/api,svc-leads,example-password-16,,,,,,,,supply-chain,ONB-1016
        Partners (EMEA),Partners records for EMEA,prod,basic,https://partners.emea.example.com/api,svc-partners,example-password-17,,,,,,,,web-team,ONB-1017
        Contracts (EMEA),Contracts records for EMEA,prod,oauth2,https://contracts.emea.example.com/api,,,https://contracts.emea.example.com/api/me,contracts-client,example-client-secret-18,example-access-token-18,example-refresh-token-18,2027-12-31,https://auth.emea.example.com/oauth/token,data-eng,ONB-1018
        Assets (EMEA),Assets records for EMEA,prod,basic,https://assets.emea.example.com/api,svc-assets,example-password-19,,,,,,,,finance-ops,ONB-1019
        Tickets (EMEA),Tickets records for EMEA,dev,basic,https://tickets.emea.example.com/api,svc-tickets,example-password-20,,,,,,,,cx-team,ONB-1020
        CRM (Americas),CRM records for Americas,prod,oauth2,https://crm.americas.example.com/api,,,https://crm.americas.example.com/api/me,crm-client,example-client-secret-21,example-access-token-21,example-refresh-token-21,2027-12-31,https://auth.americas.example.com/oauth/token,growth,ONB-1021
        Billing (Americas),Billing records for Americas,prod,basic,https://billing.americas.example.com/api,svc-billing,example-password-22,,,,,,,,supply-chain,ONB-1022
        Support (Americas),Support records for Americas,prod,basic,https://support.americas.example.com/api,svc-support,example-password-23,,,,,,,,web-team,ONB-1023
        Events (Americas),Events records for Americas,dev,oauth2,https://events.americas.example.com/api,,,https://events.americas.example.com/api/me,events-client,example-client-secret-24,example-access-token-24,example-refresh-token-24,2027-12-31,https://auth.americas.example.com/oauth/token,data-eng,ONB-1024
        Inventory (Americas),Inventory records for Americas,prod,basic,https://inventory.americas.example.com/api,svc-inventory,example-password-25,,,,,,,,finance-ops,ONB-1025
        Loyalty (Americas),Loyalty records for Americas,prod,basic,https://loyalty.americas.example.com/api,svc-loyalty,example-password-26,,,,,,,,cx-team,ONB-1026
        Analytics (Americas),Analytics records for Americas,prod,oauth2,https://analytics.americas.example.com/api,,,https://analytics.americas.example.com/api/me,analytics-client,example-client-secret-27,example-access-token-27,example-refresh-token-27,2027-12-31,https://auth.americas.example.com/oauth/token,growth,ONB-1027
        Orders (Americas),Orders records for Americas,dev,basic,https://orders.americas.example.com/api,svc-orders,example-password-28,,,,,,,,supply-chain,ONB-1028
        Shipping (Americas),Shipping records for Americas,prod,basic,https://shipping.americas.example.com/api,svc-shipping,example-password-29,,,,,,,,web-team,ONB-1029
        Returns (Americas),Returns records for Americas,prod,oauth2,https://returns.americas.example.com/api,,,https://returns.americas.example.com/api/me,returns-client,example-client-secret-30,example-access-token-30,example-refresh-token-30,2027-12-31,https://auth.americas.example.com/oauth/token,data-eng,ONB-1030
        Catalog (Americas),Catalog records for Americas,prod,basic,https://catalog.americas.example.com/api,svc-catalog,example-password-31,,,,,,,,finance-ops,ONB-1031
        Pricing (Americas),Pricing records for Americas,dev,basic,https://pricing.americas.example.com/api,svc-pricing,example-password-32,,,,,,,,cx-team,ONB-1032
        Reviews (Americas),Reviews records for Americas,prod,oauth2,https://reviews.americas.example.com/api,,,https://reviews.americas.example.com/api/me,reviews-client,example-client-secret-33,example-access-token-33,example-refresh-token-33,2027-12-31,https://auth.americas.example.com/oauth/token,growth,ONB-1033
        Surveys (Americas),Surveys records for Americas,prod,basic,https://surveys.americas.example.com/api,svc-surveys,example-password-34,,,,,,,,supply-chain,ONB-1034
        Payroll (Americas),Payroll records for Americas,prod,basic,https://payroll.americas.example.com/api,svc-payroll,example-password-35,,,,,,,,web-team,ONB-1035
        Leads (Americas),Leads records for Americas,dev,oauth2,https://leads.americas.example.com/api,,,https://leads.americas.example.com/api/me,leads-client,example-client-secret-36,example-access-token-36,example-refresh-token-36,2027-12-31,https://auth.americas.example.com/oauth/token,data-eng,ONB-1036
        Partners (Americas),Partners records for Americas,prod,basic,https://partners.americas.example.com/api,svc-partners,example-password-37,,,,,,,,finance-ops,ONB-1037
        Contracts (Americas),Contracts records for Americas,prod,basic,https://contracts.americas.example.com/api,svc-contracts,example-password-38,,,,,,,,cx-team,ONB-1038
        Assets (Americas),Assets records for Americas,prod,oauth2,https://assets.americas.example.com/api,,,https://assets.americas.example.com/api/me,assets-client,example-client-secret-39,example-access-token-39,example-refresh-token-39,2027-12-31,https://auth.americas.example.com/oauth/token,growth,ONB-1039
        Tickets (Americas),Tickets records for Americas,dev,basic,https://tickets.americas.example.com/api,svc-tickets,example-password-40,,,,,,,,supply-chain,ONB-1040

        """
}
