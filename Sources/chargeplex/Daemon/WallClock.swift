import OCPP16

#if canImport(Glibc)
    import Glibc
#endif

/// The real time, for the daemon. The domain never reads it itself.
enum WallClock {
    @Sendable static func now() -> OCPPDateTime {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return OCPPDateTime(millisecondsSince1970: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }
}
