import SQLStorage
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// One PostgreSQL connection; every statement awaits its answer (postgres-nio's event loop
/// does the I/O, no thread waits on it).
final class PostgresTableDatabase: TableDatabase {
    let dialect = SQLDialect.postgres
    let location: DatabaseLocation
    private let connection: PostgresConnection
    private static let logger = Logger(label: "strongroom.tables.postgres")
    private var logger: Logger { Self.logger }

    private init(location: DatabaseLocation, connection: PostgresConnection) {
        self.location = location
        self.connection = connection
    }

    static func connect(url: PostgresURL) async throws -> PostgresTableDatabase {
        let location = DatabaseLocation.postgres(url)
        do {
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: try url.connectionConfiguration(), id: 1, logger: logger)
            return PostgresTableDatabase(location: location, connection: connection)
        } catch {
            throw TableError(.database, "cannot connect to \(location.description): \(SQLStorageError.reason(error))")
        }
    }

    private var closed = false

    func query(_ sql: String, _ parameters: [DatabaseValue]) async throws -> [[DatabaseValue]] {
        var bindings = PostgresBindings(capacity: parameters.count)
        for parameter in parameters {
            switch parameter {
            case .null: bindings.appendNull()
            case .integer(let v): bindings.append(v)
            case .real(let v): bindings.append(v)
            case .text(let v): bindings.append(v)
            case .blob(let v): bindings.append(ByteBuffer(bytes: v))
            }
        }
        var cells: [[PostgresCell]] = []
        do {
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger) {
                cells.append(Array(row))
            }
        } catch {
            let statement = sql.split(separator: " ", maxSplits: 3).prefix(3).joined(separator: " ")
            throw TableError(.database, "\(location.description) (\(statement) …): \(SQLStorageError.reason(error))")
        }
        return try cells.map { row in try row.map(Self.value) }
    }

    func describeTable(_ name: String) async throws -> DescribedTable? {
        let rows = try await query("""
            SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() AND lower(c.relname) = lower($1)
              AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum
            """, [.text(name)])
        var tables: [String: [DescribedTable.Column]] = [:]
        var order: [String] = []
        for row in rows {
            guard row.count == 3, case .text(let table) = row[0], case .text(let column) = row[1], case .text(let type) = row[2] else {
                throw TableError(.database, "unexpected catalog row describing table \(name)")
            }
            if tables[table] == nil { order.append(table) }
            tables[table, default: []].append(.init(name: column, declaredType: type))
        }
        guard let actual = order.first(where: { $0 == name }) ?? (order.count == 1 ? order[0] : nil) else {
            if order.count > 1 { throw TableError(.notFound, "table \(name) is ambiguous in \(location.description): \(order.joined(separator: ", "))") }
            return nil
        }
        return DescribedTable(name: actual, columns: tables[actual] ?? [])
    }

    func close() async {
        guard !closed else { return }
        closed = true
        try? await connection.close()
    }

    /// Columns come back in the types the queries ask for: bytea, integers, floats, booleans,
    /// and text (everything else is cast to text in the SELECT).
    private static func value(_ cell: PostgresCell) throws -> DatabaseValue {
        guard let bytes = cell.bytes else { return .null }
        do {
            switch cell.dataType {
            case .bytea: return .blob(Array(bytes.readableBytesView))
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .float4, .float8: return .real(try cell.decode(Double.self))
            case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
            default: return .text(try cell.decode(String.self))
            }
        } catch {
            throw TableError(.database, "column \(cell.columnName): cannot read a value of PostgreSQL type \(cell.dataType)")
        }
    }
}
