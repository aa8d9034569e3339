/// One installed charging profile as it is kept on disk: the columns the
/// rules select by, and the profile as OCPP writes it.
public struct StoredChargingProfile: Sendable, Equatable {
    public var profileId: Int64
    public var connector: Int64
    public var stackLevel: Int64
    public var purpose: String
    /// The csChargingProfiles object, as JSON text.
    public var profile: String

    public init(profileId: Int64, connector: Int64, stackLevel: Int64, purpose: String, profile: String) {
        self.profileId = profileId
        self.connector = connector
        self.stackLevel = stackLevel
        self.purpose = purpose
        self.profile = profile
    }
}

/// Each operator's installed charging profiles, in installation order; an
/// operator's set is replaced whole, in one commit.
public struct ChargingProfileTable: Sendable {
    public let database: Database

    /// The table in `database`, whose schema `StoreSchema.migrations` has brought up to date.
    public init(database: Database) {
        self.database = database
    }

    public func replace(of operatorName: String, with profiles: [StoredChargingProfile]) throws {
        try database.transaction { connection in
            try connection.run("DELETE FROM charging_profile WHERE operator = ?", [.text(operatorName)])
            let insert = try connection.prepare(
                """
                INSERT INTO charging_profile (operator, position, profile_id, connector, stack_level, purpose, profile)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for (position, profile) in profiles.enumerated() {
                try insert.bind([
                    .text(operatorName), .integer(Int64(position)), .integer(profile.profileId), .integer(profile.connector),
                    .integer(profile.stackLevel), .text(profile.purpose), .text(profile.profile),
                ])
                while try insert.step() {}
                insert.reset()
            }
        }
    }

    /// Every operator's profiles, in installation order.
    public func all() throws -> [String: [StoredChargingProfile]] {
        try database.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT operator, profile_id, connector, stack_level, purpose, profile
                FROM charging_profile ORDER BY operator, position
                """
            ) { row in
                (
                    try row.column(0, as: String.self),
                    StoredChargingProfile(
                        profileId: try row.column(1), connector: try row.column(2), stackLevel: try row.column(3),
                        purpose: try row.column(4), profile: try row.column(5))
                )
            }
            var result: [String: [StoredChargingProfile]] = [:]
            for (operatorName, profile) in rows { result[operatorName, default: []].append(profile) }
            return result
        }
    }

    static let migration = """
        CREATE TABLE charging_profile (
            operator TEXT NOT NULL,
            position INTEGER NOT NULL,
            profile_id INTEGER NOT NULL,
            connector INTEGER NOT NULL CHECK (connector >= 0),
            stack_level INTEGER NOT NULL CHECK (stack_level >= 0),
            purpose TEXT NOT NULL,
            profile TEXT NOT NULL CHECK (json_valid(profile)),
            PRIMARY KEY (operator, profile_id)
        ) WITHOUT ROWID;

        INSERT OR IGNORE INTO charging_profile (operator, position, profile_id, connector, stack_level, purpose, profile)
        SELECT kv.key, CAST(entry.key AS INTEGER),
            json_extract(entry.value, '$.profile.chargingProfileId'), json_extract(entry.value, '$.connectorId'),
            json_extract(entry.value, '$.profile.stackLevel'), json_extract(entry.value, '$.profile.chargingProfilePurpose'),
            json_extract(entry.value, '$.profile')
        FROM key_value AS kv, json_each(kv.value, '$.installed') AS entry
        WHERE kv.namespace = 'profiles' AND json_valid(kv.value)
            AND json_extract(entry.value, '$.profile.chargingProfileId') IS NOT NULL;
        DELETE FROM key_value WHERE namespace = 'profiles';
        """
}
