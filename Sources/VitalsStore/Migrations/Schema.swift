import GRDB

/// The store's schema, as append-only numbered migrations, one file each in this folder (`MigrationNNNN...`),
/// registered here in order. A shipped migration is never edited: change the schema with a new one.
///
/// Every record belongs to a workspace and carries its external id (the id in the source system) under a unique key
/// per workspace, so imports and API writes upsert by it. Instants are seconds since 1970-01-01 UTC; money is integer
/// minor units beside its ISO 4217 currency; codes (interval, status, survey, source) are checked text.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        registerRecords(&migrator)
        registerAPIKeys(&migrator)
        registerUsers(&migrator)
        registerHealth(&migrator)
        registerGoals(&migrator)
        registerConnectors(&migrator)
        registerDataVersion(&migrator)
        registerSnapshot(&migrator)
        registerUsageKey(&migrator)
        registerUsageAccountIndex(&migrator)
        registerTicketPriority(&migrator)
        registerRoles(&migrator)
        registerAudit(&migrator)
        registerSubscriptionRenewalAndCancelReason(&migrator)
        registerRenewalForecast(&migrator)
        registerRelationships(&migrator)
        registerChampionDepartures(&migrator)
        registerTaskSnooze(&migrator)
        registerUserCSM(&migrator)
        registerAlertAcknowledgement(&migrator)
        registerSavedSegments(&migrator)
        registerMailAndSettings(&migrator)
        registerSurveyInvitations(&migrator)
        registerEvaluationBaseline(&migrator)
        return migrator
    }
}
