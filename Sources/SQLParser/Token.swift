/// One lexical token of the SQL text.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        /// An unquoted word: keyword or identifier, decided by the parser.
        case word
        /// A "double quoted" or `backtick` identifier; never a keyword.
        case quotedIdentifier
        /// A 'single quoted' string, escapes resolved.
        case string
        case integer
        /// Digits with a decimal point and no exponent.
        case decimal
        /// A number with an exponent.
        case double
        case symbol
        case endOfInput
    }

    var kind: Kind
    /// The word as written, the resolved string/identifier, the number text, or the symbol.
    var text: String
    /// Upper-cased text of an unquoted word, for keyword comparison; empty otherwise.
    var keyword: String
    var location: SourceLocation

    func isKeyword(_ k: String) -> Bool { kind == .word && keyword == k }
    func isSymbol(_ s: String) -> Bool { kind == .symbol && text == s }

    /// How the token is named in "found …" messages; long texts are cut short.
    var quoted: String {
        switch kind {
        case .endOfInput: return "end of input"
        case .string: return "string '\(Token.shortened(text))'"
        case .quotedIdentifier: return "identifier \"\(Token.shortened(text))\""
        default: return "'\(Token.shortened(text))'"
        }
    }

    static func shortened(_ s: String) -> String {
        s.count <= 32 ? s : String(s.prefix(32)) + "…"
    }
}
