/// The OCPP 1.6 security profiles (OCPP 1.6 Security Whitepaper, edition 2).
public enum SecurityProfile: Int, Sendable, CaseIterable, CustomStringConvertible {
    /// No authentication at all; only for closed networks and tests.
    case unsecured = 0
    /// HTTP Basic authentication with the AuthorizationKey.
    case basicAuthentication = 1
    /// TLS (server authenticated) and HTTP Basic authentication.
    case tlsWithBasicAuthentication = 2
    /// TLS with a client certificate on both sides.
    case tlsWithClientCertificate = 3

    /// Whether the charge point sends `Authorization: Basic`.
    public var usesBasicAuthentication: Bool { self == .basicAuthentication || self == .tlsWithBasicAuthentication }

    /// Whether the profile itself requires `wss://`.
    public var requiresTLS: Bool { rawValue >= 2 }

    public var description: String { "security profile \(rawValue)" }
}

/// Everything one link needs to reach one Central System.
///
/// The configuration holds the AuthorizationKey: its `description` leaves it out,
/// so a configuration may be logged as a whole.
public struct LinkConfiguration: Sendable, CustomStringConvertible {
    /// The operator's endpoint, `ws://` or `wss://`, without the charge point id.
    public var url: String
    /// The charge point identity; appended to `url` as the last path segment, percent-encoded.
    public var chargePointId: String
    public var securityProfile: SecurityProfile
    /// The Basic authentication password (OCPP key AuthorizationKey) of profiles 1 and 2.
    public var authorizationKey: String?
    /// The password as an operator set it over OCPP (AuthorizationKey, hex-decoded octets):
    /// when set it is sent instead of `authorizationKey`.
    public var authorizationKeyOctets: [UInt8]?
    /// Allows `ws://` for profiles 0 and 1. Off by default: without it every link needs TLS.
    public var allowsInsecureTransport: Bool
    /// PEM file of the certificate authorities trusted for the server; `nil` means the
    /// system store.
    public var trustedCertificatesFile: String?
    /// Lists PEM files of further roots trusted for the server beside `trustedCertificatesFile`
    /// (or the system store): those the Central System installed over OCPP. Asked again for
    /// every connection, so that a root installed or deleted counts from the next one.
    public var installedRoots: (@Sendable () -> [String])?
    /// PEM certificate chain of the charge point, profile 3.
    public var clientCertificateFile: String?
    /// PEM private key of the charge point, profile 3.
    public var clientKeyFile: String?

    /// WebSocketPingInterval: how often we ping; a ping not answered by the next one closes
    /// the link. Zero turns pings off.
    public var pingInterval: Duration
    /// How long a CALL of ours waits for its CALLRESULT or CALLERROR.
    public var callTimeout: Duration
    /// TCP connect, TLS handshake and HTTP upgrade together.
    public var openingTimeout: Duration
    /// How long a close handshake waits for the server's close frame.
    public var closingTimeout: Duration
    /// The largest incoming message; a longer one closes the link with 1009.
    public var maximumMessageSize: Int
    public var reconnectBackoff: ReconnectBackoff
    /// TransactionMessageAttempts: how often a queued message is tried before it is given up.
    public var transactionMessageAttempts: Int
    /// TransactionMessageRetryInterval: the wait after the first failed attempt, multiplied
    /// by the number of attempts so far for the next ones.
    public var transactionMessageRetryInterval: Duration

    public init(
        url: String, chargePointId: String, securityProfile: SecurityProfile = .unsecured,
        authorizationKey: String? = nil, allowsInsecureTransport: Bool = false,
        trustedCertificatesFile: String? = nil, installedRoots: (@Sendable () -> [String])? = nil,
        clientCertificateFile: String? = nil,
        clientKeyFile: String? = nil, pingInterval: Duration = .seconds(60),
        callTimeout: Duration = .seconds(30), openingTimeout: Duration = .seconds(30),
        closingTimeout: Duration = .seconds(5), maximumMessageSize: Int = 64 * 1024,
        reconnectBackoff: ReconnectBackoff = ReconnectBackoff(),
        transactionMessageAttempts: Int = 3, transactionMessageRetryInterval: Duration = .seconds(60)
    ) {
        self.url = url
        self.chargePointId = chargePointId
        self.securityProfile = securityProfile
        self.authorizationKey = authorizationKey
        self.allowsInsecureTransport = allowsInsecureTransport
        self.trustedCertificatesFile = trustedCertificatesFile
        self.installedRoots = installedRoots
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.pingInterval = pingInterval
        self.callTimeout = callTimeout
        self.openingTimeout = openingTimeout
        self.closingTimeout = closingTimeout
        self.maximumMessageSize = maximumMessageSize
        self.reconnectBackoff = reconnectBackoff
        self.transactionMessageAttempts = transactionMessageAttempts
        self.transactionMessageRetryInterval = transactionMessageRetryInterval
    }

    public var description: String {
        "\(url) as \(chargePointId), \(securityProfile)"
            + (basicPassword == nil ? "" : ", AuthorizationKey set")
            + (clientCertificateFile.map { ", client certificate \($0)" } ?? "")
    }

    /// The octets of the Basic authentication password, if there is one.
    var basicPassword: [UInt8]? { authorizationKeyOctets ?? authorizationKey.map { Array($0.utf8) } }

    /// Checks the combination of settings and works out where to connect.
    func endpoint() throws(LinkError) -> OperatorEndpoint {
        let endpoint = try OperatorEndpoint(url: url, chargePointId: chargePointId)
        if !endpoint.isSecure {
            guard !securityProfile.requiresTLS else {
                throw .invalidConfiguration("\(securityProfile) needs a wss:// URL, found \(url)")
            }
            guard allowsInsecureTransport else {
                throw .invalidConfiguration("ws:// sends everything in clear; use wss:// or allow insecure transport explicitly")
            }
        }
        if securityProfile.usesBasicAuthentication, (basicPassword ?? []).isEmpty {
            throw .invalidConfiguration("\(securityProfile) needs an AuthorizationKey")
        }
        if chargePointId.utf8.contains(UInt8(ascii: ":")), securityProfile.usesBasicAuthentication {
            throw .invalidConfiguration("a charge point id used as Basic user name cannot contain ':'")
        }
        if securityProfile == .tlsWithClientCertificate, clientCertificateFile == nil || clientKeyFile == nil {
            throw .invalidConfiguration("\(securityProfile) needs a client certificate and key")
        }
        guard maximumMessageSize >= 1024 else {
            throw .invalidConfiguration("maximum message size \(maximumMessageSize) is below 1 KiB")
        }
        guard callTimeout > .zero, openingTimeout > .zero, transactionMessageAttempts >= 1 else {
            throw .invalidConfiguration("timeouts must be positive and attempts at least 1")
        }
        return endpoint
    }
}
