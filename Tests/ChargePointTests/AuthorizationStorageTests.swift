import Board
import OCPP16
import Store
import Testing

@testable import ChargePoint

/// Local lists and caches on disk: one row per idTag, each operator's own,
/// and the lists of the earlier JSON layout read back after the upgrade.
@Suite struct AuthorizationStorageTests {
    static let list = SendLocalListRequest(
        listVersion: 7,
        localAuthorizationList: [
            AuthorizationData(idTag: "AAAA", idTagInfo: IdTagInfo(status: .accepted, expiryDate: OCPPDateTime(millisecondsSince1970: 1_900_000_000_000), parentIdTag: "GROUP")),
            AuthorizationData(idTag: "bbbb", idTagInfo: IdTagInfo(status: .blocked)),
        ],
        updateType: .full)

    @Test func listsAndCachesSurviveARestartPerOperator() async throws {
        let store = try EnergyStorageTests.temporaryStore()
        let harness = await Harness(settings: [("LocalAuthListEnabled", "true")], persistence: store)
        #expect(await harness.respond(Self.list, from: "home")?.status == .accepted)
        _ = await harness.respond(ClearCacheRequest(), from: "dc")

        let restarted = await Harness(settings: [("LocalAuthListEnabled", "true")], persistence: store)
        await restarted.chargePoint.loadState()
        #expect(await restarted.respond(GetLocalListVersionRequest(), from: "home")?.listVersion == 7)
        #expect(await restarted.respond(GetLocalListVersionRequest(), from: "dc")?.listVersion == 0)
        let home = await restarted.chargePoint.localLists["home"]
        #expect(home?.lookup("aaaa")?.parentIdTag?.value == "GROUP")
        #expect(home?.lookup("aaaa")?.expiryDate?.millisecondsSince1970 == 1_900_000_000_000)
        #expect(home?.lookup("BBBB")?.status == .blocked)
        let rows = try AuthorizationStore(database: store.database).all(.list)
        #expect(rows["home"]?.count == 2)
    }

    /// A database left at the first `migrations` steps holding one record of
    /// the earlier JSON layout, then opened (and so upgraded) as the agent does.
    static func upgraded(from store: KeyValueStore, migrations: Int, namespace: String, key: String, value: [UInt8]) throws -> KeyValueStore {
        let database = try Database(path: store.database.path + "-old")
        try database.migrate(Array(StoreSchema.migrations.prefix(migrations)))
        try database.withConnection { connection in
            _ = try connection.run(
                "INSERT INTO key_value VALUES (?, ?, ?)", [.text(namespace), .text(key), .text(String(decoding: value, as: UTF8.self))])
        }
        return try KeyValueStore(database: database)
    }

    @Test func aListOfTheEarlierLayoutIsReadAfterTheUpgrade() async throws {
        let store = try EnergyStorageTests.temporaryStore()
        var list = LocalAuthList()
        _ = list.apply(Self.list, maximumLength: 100, maximumPerMessage: 100)
        let upgraded = try Self.upgraded(
            from: store, migrations: 3, namespace: "auth/list", key: "billing", value: PayloadCoding.encodedBytes(list))
        let harness = await Harness(settings: [("LocalAuthListEnabled", "true")], persistence: upgraded)
        await harness.chargePoint.loadState()
        #expect(await harness.chargePoint.localLists["billing"] == list)
        #expect(try upgraded.all(namespace: "auth/list").isEmpty)
    }
}
