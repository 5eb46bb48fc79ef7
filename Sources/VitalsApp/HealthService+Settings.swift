import Foundation
import VitalsCore
import VitalsFormats
import VitalsStore

extension HealthService {
    /// The health configuration `workspace` is evaluated with: the server's `configuration` with the sections its
    /// admins saved in the dashboard (health model, alert rules, playbooks) in place of the file's. Webhooks, digests'
    /// delivery and the schedule stay the server's.
    public nonisolated func effectiveConfiguration(_ workspace: Int64) async throws -> HealthConfiguration {
        try await cache.settings(workspace).configuration
    }

    /// Everything `workspace` runs with, with the sections saved for it and the problems of any that no longer load.
    public nonisolated func settings(workspace: Int64) async throws -> EffectiveSettings {
        try await cache.settings(workspace)
    }

    /// The server's settings (file, environment, flags) the saved sections are applied to.
    public nonisolated var layers: SettingsLayers { cache.layers }

    /// Forgets the settings of `workspace` and all computed with them, after a section was saved or reset.
    public nonisolated func invalidateSettings(workspace: Int64) async { await cache.invalidateSettings(workspace) }
}
