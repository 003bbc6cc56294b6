import CASCore
import Hummingbird
import Logging
import NIOCore

/// Wraps every request, matched or not: turns errors into problem+json (the one place errors
/// map to HTTP), then records metrics and one log line (method, route template, status,
/// duration). Bodies, headers and raw paths are never logged: they may carry secrets.
struct ProblemAndTelemetryMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: CASMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as CASHTTPError {
            response = APIResponse.problem(error)
        } catch let error as CASError {
            if error.code.httpStatus >= 500 {
                context.logger.error(
                    "request failed",
                    metadata: ["code": "\(error.code)", "cause.type": "\(error.cause.map { "\(type(of: $0))" } ?? "none")"])
            }
            response = APIResponse.problem(Problem(error))
        } catch let error as any HTTPResponseError {
            response = APIResponse.problem(Self.problem(for: error, request: request))
        } catch {
            context.logger.error("unexpected error", metadata: ["error.type": "\(type(of: error))"])
            response = APIResponse.problem(.internalError)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // Hummingbird names unmatched requests "NotFound" (or nothing); metrics never see raw paths.
        let route = context.endpointPath.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "unmatched"
        let status = response.status.code
        metrics.record(method: request.method.rawValue, route: route, status: status, seconds: seconds)
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(status)",
                "duration_ms": "\(String(format: "%.3f", seconds * 1000))",
            ])
        return response
    }

    /// Hummingbird's own errors (no route, a body it could not read): status kept, detail ours.
    private static func problem(for error: any HTTPResponseError, request: Request) -> CASHTTPError {
        switch error.status {
        case .notFound:
            return .notFound("no endpoint \(request.method.rawValue) \(String(request.uri.path.prefix(200)))")
        case .contentTooLarge:
            return .payloadTooLarge("request body is too large")
        default:
            let status = error.status.code
            return CASHTTPError(
                status: status, code: status >= 500 ? "internal" : "malformed-request",
                detail: status >= 500 ? CASHTTPError.internalError.detail : error.status.reasonPhrase)
        }
    }
}
