import Policy
import SQLParser

/// Text an attacker or a careless user may write: SQL (lexer and parser, both the statement
/// and the expression grammar) and policy YAML (the strict YAML subset and the policy model).
enum TextFuzzing {
    static func run(_ target: FuzzTarget, _ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch target {
        case .sql:
            _ = try? SQLParser.parse(text)
            _ = try? SQLParser.parseExpression(text)
        case .policyYAML:
            _ = try? PolicyVersion(yaml: bytes)
        default:
            preconditionFailure("\(target) is not a text target")
        }
    }
}
