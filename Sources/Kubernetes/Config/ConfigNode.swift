import StrictYAML

/// deploy.yaml nodes: the strict YAML walker shared with the policy parser, throwing DeployConfigError.
typealias ConfigNode = StrictYAMLNode<DeployConfigError>
typealias ConfigMapping = StrictYAMLMapping<DeployConfigError>
