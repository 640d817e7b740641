/// Fixed facts of the generic REST API connector.
public enum GenericRESTSpec {
    /// The connection spec ID of the generic REST API source.
    public static let connectionSpecID = "4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62"
    /// The spec version flowbatch always sends.
    public static let version = "1.0"
    /// The auth spec name for basic authentication.
    public static let basicSpecName = "Basic Authentication"
    /// The default spelling of the OAuth 2 auth spec name; Adobe's pages also write `oAuth2RefreshCode`.
    public static let defaultOAuthSpecName = "OAuth2 Refresh Code"
    /// The Flow Service base URL on Adobe's production gateway.
    public static let productionEndpoint = "https://platform.adobe.io/data/foundation/flowservice"
    /// The Flow Service base URL on Adobe's staging gateway.
    public static let stageEndpoint = "https://platform-stage.adobe.io/data/foundation/flowservice"
    /// Adobe IMS, the token service.
    public static let productionIMS = "https://ims-na1.adobelogin.com"
    /// Adobe IMS for the staging gateway.
    public static let stageIMS = "https://ims-na1-stg1.adobelogin.com"
    /// The scopes a server-to-server credential for Experience Platform usually has.
    public static let defaultScopes =
        "openid,AdobeID,read_organizations,additional_info.projectedProductContext,session"
}
