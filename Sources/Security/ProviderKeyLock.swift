#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One process-wide lock for everything that may reach a key kept by a provider: a TPM
/// through the `tpm2` provider has one session per process, and two threads in it at once
/// (a handshake signing while another connection's key is loaded or freed) corrupt it.
/// Recursive, so a locked step may call another. OpenSSL's own keys need no lock; callers
/// lock only when a provider key is involved, or when they cannot tell yet.
public final class ProviderKeyLock: @unchecked Sendable {
    public static let shared = ProviderKeyLock()

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    private init() {
        mutex = .allocate(capacity: 1)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    /// Runs `body` holding the lock when `when` is true, else just runs it.
    public func locked<T, E: Error>(when: Bool = true, _ body: () throws(E) -> T) throws(E) -> T {
        guard when else { return try body() }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
