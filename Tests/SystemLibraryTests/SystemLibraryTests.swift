import CGPIOD
import CModbus
import COpenSSL
import CSQLite
import Testing

/// Each system library answers one real call, so a missing -dev package or a
/// broken pkg-config entry fails here, loudly, before anything else.
@Suite struct SystemLibraryTests {
    @Test func openSSLReportsVersion3() {
        let version = String(cString: OpenSSL_version(OPENSSL_VERSION))
        #expect(version.hasPrefix("OpenSSL 3"))
    }

    @Test func libgpiodReportsItsVersion() {
        let version = String(cString: cgpiod_library_version())
        #expect(version.first?.isNumber == true)
    }

    @Test func libmodbusIsVersion3Point1() {
        // 3.1 has the response-timeout calls in seconds and microseconds the meters use.
        #expect(libmodbus_version_major == 3 && libmodbus_version_minor >= 1)
        let context = modbus_new_tcp_pi("127.0.0.1", "502")
        #expect(context != nil)
        modbus_free(context)
    }

    @Test func sqliteIsThreadSafeAndRecent() {
        #expect(sqlite3_libversion_number() >= 3_031_000)
        #expect(sqlite3_threadsafe() != 0)
    }
}
