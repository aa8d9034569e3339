import Testing

@testable import OCPP16

@Suite struct FrameTests {
    @Test func readsACallAndItsTypedRequest() throws {
        let frame = try Frame.parse(#"[2,"19223201","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"SingleSocketCharger"}]"#)
        guard case .call(let call) = frame else {
            Issue.record("expected a CALL, got \(frame)")
            return
        }
        #expect(call.messageId == "19223201")
        let request = try call.decode(BootNotificationRequest.self)
        #expect(request.chargePointVendor == "VendorX")
        #expect(request.chargePointModel.value == "SingleSocketCharger")
    }
}
