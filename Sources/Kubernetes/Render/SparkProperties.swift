/// spark.properties for `spark-submit --properties-file` (via `strongroom spark submit`): the
/// namespace, image, accounts, pod templates and sizes deploy.yaml describes.
enum SparkProperties {
    /// Properties the renderer sets; deploy.yaml's `spark.properties` may not override them.
    static let rendered: Set<String> = [
        "spark.kubernetes.namespace", "spark.kubernetes.container.image", "spark.kubernetes.container.image.pullPolicy",
        "spark.kubernetes.container.image.pullSecrets", "spark.kubernetes.authenticate.driver.serviceAccountName",
        "spark.kubernetes.authenticate.executor.serviceAccountName", "spark.kubernetes.driver.podTemplateFile",
        "spark.kubernetes.executor.podTemplateFile", "spark.kubernetes.driver.podTemplateContainerName",
        "spark.kubernetes.executor.podTemplateContainerName", "spark.driver.cores", "spark.driver.memory",
        "spark.executor.instances", "spark.executor.cores", "spark.executor.memory",
    ]

    static let driverTemplateFile = "driver-pod-template.yaml"
    static let executorTemplateFile = "executor-pod-template.yaml"
    static let fileName = "spark.properties"

    /// `templateDir`: where spark-submit will find the two template files.
    static func text(_ config: DeployConfig, templateDir: String) -> String {
        let spark = config.spark
        var pairs: [(String, String)] = [
            ("spark.kubernetes.namespace", config.namespace),
            ("spark.kubernetes.container.image", config.images.spark),
        ]
        if let policy = config.images.pullPolicy { pairs.append(("spark.kubernetes.container.image.pullPolicy", policy)) }
        if !config.images.pullSecrets.isEmpty {
            pairs.append(("spark.kubernetes.container.image.pullSecrets", config.images.pullSecrets.joined(separator: ",")))
        }
        pairs += [
            ("spark.kubernetes.authenticate.driver.serviceAccountName", spark.serviceAccount),
            ("spark.kubernetes.authenticate.executor.serviceAccountName", spark.executorServiceAccount),
            ("spark.kubernetes.driver.podTemplateFile", templateDir + "/" + driverTemplateFile),
            ("spark.kubernetes.executor.podTemplateFile", templateDir + "/" + executorTemplateFile),
            ("spark.kubernetes.driver.podTemplateContainerName", DeployConfig.driverContainer),
            ("spark.kubernetes.executor.podTemplateContainerName", DeployConfig.executorContainer),
            ("spark.driver.cores", String(spark.driver.cores)),
            ("spark.driver.memory", spark.driver.memory),
            ("spark.executor.instances", String(spark.executorInstances)),
            ("spark.executor.cores", String(spark.executor.cores)),
            ("spark.executor.memory", spark.executor.memory),
        ]
        pairs += spark.properties.map { ($0.key, $0.value) }
        var out = RenderedDeployment.header
        for (key, value) in pairs { out += key + "=" + escape(value) + "\n" }
        return out
    }

    /// java.util.Properties reads backslash as an escape character.
    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\")
    }
}

extension DeployConfig {
    /// Where the `spark-pod-templates` ConfigMap is meant to be mounted in an in-cluster submitter.
    public static let inClusterSparkDir = "/etc/strongroom/spark"

    func sparkConfigMap() -> Manifest {
        let data: [(String, String)] = [
            (SparkProperties.driverTemplateFile, ManifestEmitter.document(sparkDriverTemplate())),
            (SparkProperties.executorTemplateFile, ManifestEmitter.document(sparkExecutorTemplate())),
            (SparkProperties.fileName, SparkProperties.text(self, templateDir: Self.inClusterSparkDir)),
        ]
        let body: ManifestValue = .object([
            "apiVersion": .string("v1"),
            "kind": .string("ConfigMap"),
            "metadata": metadata("spark-pod-templates", component: "spark"),
            "data": .strings(data),
        ])
        return Manifest(kind: "ConfigMap", name: "spark-pod-templates", body: body)
    }
}
