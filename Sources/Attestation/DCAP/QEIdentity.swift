import Foundation
import Support

/// Intel PCS enclave identity v2 for the Quoting Enclave ("QE" for SGX, "TD_QE" for TDX):
/// what a genuine QE report looks like and the TCB status of each QE ISVSVN.
public struct QEIdentity: Sendable, Decodable, Equatable {
    public var id: String
    public var version: Int
    public var issueDate: Date
    public var nextUpdate: Date
    public var miscselect: [UInt8]
    public var miscselectMask: [UInt8]
    public var attributes: [UInt8]
    public var attributesMask: [UInt8]
    public var mrsigner: [UInt8]
    public var isvprodid: UInt16
    public var tcbLevels: [Level]

    public struct Level: Sendable, Decodable, Equatable {
        public struct TCB: Sendable, Decodable, Equatable { public var isvsvn: Int }
        public var tcb: TCB
        public var tcbStatus: TCBStatus
        public var advisoryIDs: [String]?
    }

    enum CodingKeys: String, CodingKey {
        case id, version, issueDate, nextUpdate, miscselect, miscselectMask, attributes, attributesMask, mrsigner, isvprodid, tcbLevels
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func hex(_ key: CodingKeys, _ count: Int) throws -> [UInt8] {
            guard let bytes = LowercaseHex.decode(try c.decode(String.self, forKey: key)), bytes.count == count else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not \(count) bytes of hex")
            }
            return bytes
        }
        id = try c.decode(String.self, forKey: .id)
        version = try c.decode(Int.self, forKey: .version)
        issueDate = try PCSDate.decode(c.decode(String.self, forKey: .issueDate), field: "issueDate")
        nextUpdate = try PCSDate.decode(c.decode(String.self, forKey: .nextUpdate), field: "nextUpdate")
        miscselect = try hex(.miscselect, 4)
        miscselectMask = try hex(.miscselectMask, 4)
        attributes = try hex(.attributes, 16)
        attributesMask = try hex(.attributesMask, 16)
        mrsigner = try hex(.mrsigner, 32)
        isvprodid = try c.decode(UInt16.self, forKey: .isvprodid)
        tcbLevels = try c.decode([Level].self, forKey: .tcbLevels)
    }

    public init(json: [UInt8]) throws(AttestationError) {
        do { self = try JSONDecoder().decode(QEIdentity.self, from: Data(json)) } catch {
            throw AttestationError(.collateral, "QE identity JSON does not decode: \(PCSDate.describe(error))")
        }
    }
}
