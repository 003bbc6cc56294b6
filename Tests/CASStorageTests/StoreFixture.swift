import CASCore
import CASStorage
import Foundation
import Logging
import Testing

/// The two stores every conformance test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// Where one test's store lives: a fresh SQLite file in a temp dir, or a fresh PostgreSQL database.
struct StoreLocation: Sendable {
    var kind: StoreKind
    var path: String       // SQLite file or PostgreSQL URL
    var cleanupName: String  // temp dir or database name

    static func fresh(_ kind: StoreKind) async throws -> StoreLocation {
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strongroom-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return StoreLocation(kind: kind, path: directory.appendingPathComponent("cas.sqlite").path, cleanupName: directory.path)
        case .postgres:
            let (name, url) = try await PostgresTestServer.shared.createDatabase()
            return StoreLocation(kind: kind, path: url, cleanupName: name)
        }
    }

    func open() async throws -> any CASStore {
        switch kind {
        case .sqlite: return try SQLiteCASStore(path: path)
        case .postgres: return try await PostgresCASStore(url: path, logger: quietLogger)
        }
    }

    func remove() async {
        switch kind {
        case .sqlite: try? FileManager.default.removeItem(atPath: cleanupName)
        case .postgres: try? await PostgresTestServer.shared.dropDatabase(cleanupName)
        }
    }
}

/// Connection chatter (pool retries, connections closed at `close()`) stays out of test output.
let quietLogger: Logger = {
    var logger = Logger(label: "strongroom.cas.store.test")
    logger.logLevel = .error
    return logger
}()

/// Opens a fresh store, runs `body`, closes and removes it (also when `body` throws).
func withFreshStore(
    _ kind: StoreKind, _ body: (any CASStore, StoreLocation) async throws -> Void
) async throws {
    let location = try await StoreLocation.fresh(kind)
    do {
        let store = try await location.open()
        do {
            try await body(store, location)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    } catch {
        await location.remove()
        throw error
    }
    await location.remove()
}

/// Runs `body` and returns the CASStoreError it throws (nil if it throws none, or another type).
func storeError(_ body: () async throws -> Void) async -> CASStoreError? {
    do {
        try await body()
        return nil
    } catch let error as CASStoreError {
        return error
    } catch {
        return nil
    }
}

/// A stand-in for AuditChain's SHA-256 (the store only needs 64 hex chars that depend on the
/// previous hash): four FNV-1a lanes over prev ‖ "\n" ‖ json.
func chainHash(_ previous: String, _ json: String) -> String {
    let bytes = Array((previous + "\n" + json).utf8)
    var out = ""
    for lane in UInt64(0)..<4 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ (lane &* 0x9E37_79B9_7F4A_7C15)
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        let hex = String(h, radix: 16)
        out += String(repeating: "0", count: 16 - hex.count) + hex
    }
    return out
}

/// A builder writing `{"seq":N,"type":T,"prev":P}` chained with `chainHash`.
func auditBuilder(type: String, policy: String? = nil) -> AuditEntryBuilder {
    { position in
        let json = #"{"prev":"\#(position.previousHash)","seq":\#(position.seq),"type":"\#(type)"}"#
        return AuditEntryText(hash: chainHash(position.previousHash, json), json: json, policy: policy)
    }
}

/// A policy version record with whole-second times (both stores keep microseconds).
func policyRecord(_ name: String, _ version: Int64, previous: String? = nil, yaml: String? = nil) -> PolicyVersionRecord {
    let text = yaml ?? "name: \(name)\nversion: \(version)\n"
    return PolicyVersionRecord(
        name: name, version: version, hash: chainHash("policy", text), previous: previous,
        yaml: Array(text.utf8),
        signatures: [PolicySignatureRecord(keyID: "0123456789abcdef", signature: Array(repeating: 7, count: 64))],
        appliedAt: Date(timeIntervalSince1970: 1_790_000_000 + Double(version)), mac: Array(repeating: 3, count: 32))
}

struct TestFailure: Error {}
