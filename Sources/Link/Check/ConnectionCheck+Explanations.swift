import COpenSSL

extension ConnectionCheck {
    /// A failed step in a technician's words: what is wrong and where to look, with the
    /// library's own reason kept in the text.
    struct Explanations {
        let configuration: LinkConfiguration
        let endpoint: OperatorEndpoint

        /// Where the server's certificate must lead.
        private var trustAnchor: String {
            let configured = configuration.trustedCertificatesFile.map { "ca_file \($0)" } ?? "the system's certificate store"
            let installed = configuration.installedRoots?().count ?? 0
            return installed == 0 ? configured : "\(configured) or the \(installed) root(s) installed over OCPP"
        }

        func tcpFailed(_ error: LinkError) -> String {
            guard case .unreachable(let text) = error else { return error.description }
            if text.hasSuffix("Connection refused") {
                return "cannot connect to \(text): nothing listens on that port, or a firewall refuses"
            }
            if text.contains("no answer within") {
                return "cannot connect to \(text): the host is down, or a firewall drops the connection"
            }
            return "cannot connect to \(text)"
        }

        func tlsPassed(_ facts: TLSSessionFacts?) -> Finding {
            guard endpoint.isSecure else {
                return Finding(step: .tls, verdict: .notApplicable, detail: "none: ws:// is not encrypted (allow_insecure)")
            }
            var detail = facts.map { "\($0.version) (\($0.cipher)); " } ?? ""
            if let subject = facts?.subject {
                detail += "certificate \(subject)" + (facts?.issuer.map { " issued by \($0)" } ?? "") + " "
            } else {
                detail += "the server's certificate "
            }
            detail += "verified against \(trustAnchor), "
            detail += endpoint.hostIsAddress ? "address \(endpoint.host) matches" : "host name \(endpoint.host) matches"
            if configuration.securityProfile == .tlsWithClientCertificate, let certificate = configuration.clientCertificateFile {
                detail += "; client certificate \(certificate) presented"
            }
            return Finding(step: .tls, verdict: .passed, detail: detail)
        }

        func tlsFailed(_ failure: TLSFailure) -> String {
            guard let code = failure.verificationError.map(Int32.init) else { return failure.reason }
            let openSSL = "OpenSSL: \(failure.reason)"
            switch code {
            case X509_V_ERR_HOSTNAME_MISMATCH:
                return "the server's certificate is not made out for \(endpoint.host) (\(openSSL))"
            case X509_V_ERR_IP_ADDRESS_MISMATCH:
                return "the server's certificate is not made out for the address \(endpoint.host) (\(openSSL))"
            case X509_V_ERR_CERT_HAS_EXPIRED:
                return "the server's certificate has expired, or the charger's clock is wrong (\(openSSL))"
            case X509_V_ERR_CERT_NOT_YET_VALID:
                return "the server's certificate is not valid yet: is the charger's clock right? (\(openSSL))"
            case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
                X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
                X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
                let hint = configuration.trustedCertificatesFile == nil ? "; a private CA needs ca_file" : ""
                return "the server's certificate is not signed by an authority in \(trustAnchor)\(hint) (\(openSSL))"
            default:
                return "the server's certificate was refused (\(openSSL), X509 error \(code))"
            }
        }

        func upgradeFailed(_ error: LinkError) -> String {
            let id = configuration.chargePointId
            switch error {
            case .upgradeRefused(401, let reason):
                guard configuration.securityProfile.usesBasicAuthentication else {
                    return "the Central System wants a password (HTTP 401 \(reason)), and \(configuration.securityProfile) sends none"
                }
                return "the Central System refused the password (HTTP 401 \(reason)): check the password, and that it knows charge point \(id)"
            case .upgradeRefused(403, let reason):
                return "the Central System refused charge point \(id) (HTTP 403 \(reason))"
            case .upgradeRefused(404, let reason):
                return "the Central System has nothing at \(endpoint.path) (HTTP 404 \(reason)): check the URL, and where the charge point id goes ({id})"
            case .upgradeRefused(let status, let reason):
                return "the Central System answered HTTP \(status) \(reason) instead of switching to WebSocket"
            case .subprotocolRefused(let offered):
                let chosen = offered.map { "it chose '\($0)'" } ?? "it chose none"
                return "the Central System took the WebSocket but not subprotocol \(WebSocketConnector.subprotocol) (\(chosen)): is this its OCPP 1.6 URL?"
            default:
                return error.description
            }
        }
    }
}
