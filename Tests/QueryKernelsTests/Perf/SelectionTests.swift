import Testing
@testable import QueryKernels

@Test func selectionFromMaskMatchesRowByRow() {
    var rng = SystemRandomNumberGenerator()
    for n in [0, 1, 7, 8, 9, 63, 64, 65, 1000] {
        for density in [0.0, 0.05, 0.5, 1.0] {
            let mask = (0..<n).map { _ in Double.random(in: 0..<1, using: &rng) < density }
            let validity = (0..<n).map { _ in Bool.random(using: &rng) }
            let expectAll = (0..<n).filter { mask[$0] }.map { Int32($0) }
            let expectValid = (0..<n).filter { mask[$0] && validity[$0] }.map { Int32($0) }
            #expect(Selection.fromMask(mask, validity: nil).indices == expectAll)
            #expect(Selection.fromMask(mask, validity: validity).indices == expectValid)
        }
    }
}
