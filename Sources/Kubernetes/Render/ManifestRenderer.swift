/// The objects `strongroom k8s render` writes, in the order `kubectl apply` should create them.
public struct RenderedDeployment: Sendable, Equatable {
    public static let header = "# Rendered by strongroom k8s render; do not edit (change deploy.yaml and render again).\n"
    /// Spark-side files live in this subdirectory of `--output`, out of reach of `kubectl apply -f DIR`.
    public static let sparkSubdirectory = "spark"

    public var manifests: [Manifest]
    public var config: DeployConfig

    public init(_ config: DeployConfig) {
        self.config = config
        var all = [config.namespaceManifest()]
        all += config.serviceAccountManifests()
        all += config.rbacManifests()
        all += config.casManifests()
        all += config.agentManifests()
        all.append(config.sparkConfigMap())
        all += config.networkPolicyManifests()
        manifests = all
    }

    /// Every object as one YAML stream (`---` between documents), for stdout.
    public func stream() -> String {
        Self.header + manifests.map { "---\n" + ManifestEmitter.document($0.body) }.joined()
    }

    /// One file per object (`NN-kind-name.yaml`), plus the Spark pod templates and
    /// spark.properties under `spark/`. `outputDir` is written into spark.properties as given,
    /// so spark-submit run from the same working directory finds the templates.
    public func files(outputDir: String) -> [(path: String, text: String)] {
        var out: [(path: String, text: String)] = []
        for (i, manifest) in manifests.enumerated() {
            let index = i < 10 ? "0\(i)" : "\(i)"
            out.append(("\(index)-\(manifest.kind.lowercased())-\(manifest.name).yaml", Self.header + ManifestEmitter.document(manifest.body)))
        }
        let sparkDir = Self.sparkSubdirectory
        let templateDir = (outputDir.hasSuffix("/") ? String(outputDir.dropLast()) : outputDir) + "/" + sparkDir
        out.append(("\(sparkDir)/\(SparkProperties.driverTemplateFile)", Self.header + ManifestEmitter.document(config.sparkDriverTemplate())))
        out.append(("\(sparkDir)/\(SparkProperties.executorTemplateFile)", Self.header + ManifestEmitter.document(config.sparkExecutorTemplate())))
        out.append(("\(sparkDir)/\(SparkProperties.fileName)", SparkProperties.text(config, templateDir: templateDir)))
        return out
    }
}
