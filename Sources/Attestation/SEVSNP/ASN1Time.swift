import Foundation
import SwiftASN1

/// X.509 Time (UTCTime or GeneralizedTime) to Date and back to text for messages.
enum ASN1Time {
    static func date(_ node: ASN1Node, what: String) throws(AttestationError) -> Date {
        do {
            switch node.identifier {
            case .utcTime:
                let t = try UTCTime(derEncoded: node)
                return date(t.year, t.month, t.day, t.hours, t.minutes, t.seconds)
            case .generalizedTime:
                let t = try GeneralizedTime(derEncoded: node)
                return date(t.year, t.month, t.day, t.hours, t.minutes, t.seconds)
            default:
                throw AttestationError(.malformedEvidence, "\(what) is neither UTCTime nor GeneralizedTime")
            }
        } catch let error as AttestationError {
            throw error
        } catch {
            throw AttestationError(.malformedEvidence, "\(what) is not a valid time")
        }
    }

    /// Days from the civil date (proleptic Gregorian, UTC): no Calendar, so no locale surprises.
    static func date(_ y: Int, _ m: Int, _ d: Int, _ hh: Int, _ mm: Int, _ ss: Int) -> Date {
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        let seconds = days * 86400 + hh * 3600 + mm * 60 + ss
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
