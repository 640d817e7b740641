public enum FlowBatchVersion { public static let current = "0.1.0" }
