import Testing
@testable import ChargePoint
