import StrictYAML

/// Policy nodes: the strict YAML walker shared with the deploy.yaml parser, throwing PolicyError.
typealias YAMLValue = StrictYAMLNode<PolicyError>
typealias YAMLMapping = StrictYAMLMapping<PolicyError>
