import Columnar
import Foundation

/// A small NYC-taxi-like table for the demo and quick trials: the columns of the taxi
/// benchmark data (../shared/bench/taxi_gen.py) that queries use most, deterministic values
/// from a seeded generator (so a demo prints the same numbers everywhere).
enum TaxiSample {
    static let schema = Schema([
        Field("VendorID", .int32), Field("tpep_pickup_datetime", .timestamp(.micros, utc: false)),
        Field("passenger_count", .int64), Field("trip_distance", .float64),
        Field("PULocationID", .int32), Field("DOLocationID", .int32), Field("payment_type", .int64),
        Field("fare_amount", .float64), Field("tip_amount", .float64), Field("total_amount", .float64),
    ])

    /// SplitMix64: tiny, fast, and the same sequence on every platform.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Rows `range`; row i's values depend only on i.
    static func batch(_ range: Range<Int>) -> RecordBatch {
        var vendor: [Int32] = [], pickup: [Int64] = [], passengers: [Int64] = [], distance: [Double] = []
        var pu: [Int32] = [], dropoff: [Int32] = [], payment: [Int64] = [], fare: [Double] = [], tip: [Double] = []
        var total: [Double] = []
        let march2024: Int64 = 1_709_251_200_000_000  // 2024-03-01T00:00:00 in microseconds
        for i in range {
            var g = Generator(state: UInt64(i) &* 0x2545_F491_4F6C_DD1D)
            vendor.append(Int32(1 + g.below(2)))
            pickup.append(march2024 + Int64(g.below(31 * 86_400)) * 1_000_000)
            passengers.append(Int64(1 + g.below(4)))
            let miles = (-log(max(g.unit(), 1e-9)) * 2.8 * 100).rounded() / 100
            distance.append(miles)
            pu.append(Int32(1 + g.below(265)))
            dropoff.append(Int32(1 + g.below(265)))
            let pay = Int64([1, 1, 1, 2, 2, 3, 4][g.below(7)])
            payment.append(pay)
            let fareAmount = ((3.0 + miles * 2.5) * 100).rounded() / 100
            fare.append(fareAmount)
            let tipAmount = pay == 1 ? ((fareAmount * Double(10 + g.below(15)) / 100) * 100).rounded() / 100 : 0
            tip.append(tipAmount)
            total.append(((fareAmount + tipAmount + 1.0) * 100).rounded() / 100)
        }
        let columns = [
            Column(type: .int32, values: .int32(vendor), validity: nil),
            Column(type: .timestamp(.micros, utc: false), values: .int64(pickup), validity: nil),
            Column(type: .int64, values: .int64(passengers), validity: nil),
            Column(type: .float64, values: .float64(distance), validity: nil),
            Column(type: .int32, values: .int32(pu), validity: nil),
            Column(type: .int32, values: .int32(dropoff), validity: nil),
            Column(type: .int64, values: .int64(payment), validity: nil),
            Column(type: .float64, values: .float64(fare), validity: nil),
            Column(type: .float64, values: .float64(tip), validity: nil),
            Column(type: .float64, values: .float64(total), validity: nil),
        ]
        return RecordBatch(schema: schema, columns: columns, rowCount: range.count)
    }
}
