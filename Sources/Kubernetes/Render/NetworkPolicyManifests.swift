/// NetworkPolicies: everything in the namespace is denied, then exactly these flows are opened:
/// DNS; attested workloads (label strongroom.dev/cas-client) → CAS; CAS → PostgreSQL; Spark pods
/// ↔ Spark pods; the Spark driver → the API server; Spark → the data endpoints deploy.yaml lists.
/// The node agent needs no network (its socket is a host file) and gets none.
extension DeployConfig {
    func networkPolicyManifests() -> [Manifest] {
        var out: [Manifest] = []
        func policy(_ name: String, _ spec: ManifestValue) {
            let body: ManifestValue = .object([
                "apiVersion": .string("networking.k8s.io/v1"),
                "kind": .string("NetworkPolicy"),
                "metadata": metadata(name, component: "network"),
                "spec": spec,
            ])
            out.append(Manifest(kind: "NetworkPolicy", name: name, body: body))
        }
        let everyPod: ManifestValue = .object([:])
        let casPods: ManifestValue = .object(["matchLabels": .strings(casSelector)])
        let casClients: ManifestValue = .object(["matchLabels": .strings([(Labels.casClient, "true")])])
        let sparkPods: ManifestValue = .object([
            "matchExpressions": .list([
                .object([
                    "key": .string(Labels.component),
                    "operator": .string("In"),
                    "values": .list([.string(Labels.sparkDriver), .string(Labels.sparkExecutor)]),
                ])
            ])
        ])
        let driverPods: ManifestValue = .object(["matchLabels": .strings([(Labels.component, Labels.sparkDriver)])])
        let casPort = Self.ports([cas.port])

        policy("default-deny", .object([
            "podSelector": everyPod,
            "policyTypes": .list([.string("Ingress"), .string("Egress")]),
        ]))
        policy("allow-dns", .object([
            "podSelector": everyPod,
            "policyTypes": .list([.string("Egress")]),
            "egress": .list([
                .object([
                    "to": .list([
                        .object([
                            "namespaceSelector": .object(["matchLabels": .strings([("kubernetes.io/metadata.name", "kube-system")])]),
                            "podSelector": .object(["matchLabels": .strings([("k8s-app", "kube-dns")])]),
                        ])
                    ]),
                    "ports": .list([
                        .object(["protocol": .string("UDP"), "port": .int(53)]),
                        .object(["protocol": .string("TCP"), "port": .int(53)]),
                    ]),
                ])
            ]),
        ]))
        // Owners and auditors outside the cluster reach CAS only from the listed addresses;
        // kubectl port-forward enters through the kubelet and is not subject to these rules.
        let casPeers: [ManifestValue] = [.object(["podSelector": casClients])]
            + cas.ingressCIDRs.map { .object(["ipBlock": .object(["cidr": .string($0)])]) }
        policy("cas-ingress", .object([
            "podSelector": casPods,
            "policyTypes": .list([.string("Ingress")]),
            "ingress": .list([.object(["from": .list(casPeers), "ports": casPort])]),
        ]))
        if case .postgres(_, _, let cidrs, let port) = cas.storage {
            policy("cas-egress-postgres", .object([
                "podSelector": casPods,
                "policyTypes": .list([.string("Egress")]),
                "egress": .list([.object(["to": .list(cidrs.map { Self.ipBlock($0, except: []) }), "ports": Self.ports([port])])]),
            ]))
        }
        policy("cas-clients-egress", .object([
            "podSelector": casClients,
            "policyTypes": .list([.string("Egress")]),
            "egress": .list([.object(["to": .list([.object(["podSelector": casPods])]), "ports": casPort])]),
        ]))
        // Spark's RPC, block transfer and shuffle between driver and executors (authenticated and
        // encrypted by Spark with the secrets CAS injects).
        policy("spark-internal", .object([
            "podSelector": sparkPods,
            "policyTypes": .list([.string("Ingress"), .string("Egress")]),
            "ingress": .list([.object(["from": .list([.object(["podSelector": sparkPods])])])]),
            "egress": .list([.object(["to": .list([.object(["podSelector": sparkPods])])])]),
        ]))
        policy("spark-driver-api-server", .object([
            "podSelector": driverPods,
            "policyTypes": .list([.string("Egress")]),
            "egress": .list(network.apiServer.map(Self.egress)),
        ]))
        if !network.sparkEgress.isEmpty {
            policy("spark-egress", .object([
                "podSelector": sparkPods,
                "policyTypes": .list([.string("Egress")]),
                "egress": .list(network.sparkEgress.map(Self.egress)),
            ]))
        }
        return out
    }

    private static func ports(_ ports: [Int]) -> ManifestValue {
        .list(ports.map { .object(["protocol": .string("TCP"), "port": .int($0)]) })
    }

    private static func ipBlock(_ cidr: String, except: [String]) -> ManifestValue {
        .object(["ipBlock": .object([
            "cidr": .string(cidr),
            "except": except.isEmpty ? nil : .list(except.map { .string($0) }),
        ])])
    }

    private static func egress(_ rule: EgressRule) -> ManifestValue {
        .object(["to": .list([ipBlock(rule.cidr, except: rule.except)]), "ports": ports(rule.ports)])
    }
}
