import Testing
@testable import SiamFCEvaluation

/// `--shard auto`: the shard from a Slurm job array or a Kubernetes Indexed Job.
@Suite struct ShardEnvironmentTests {
    @Test func slurmArraysFromZeroOrOne() throws {
        let zero = ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0"]
        #expect(try EvaluationShard.fromEnvironment(zero, count: nil) == EvaluationShard(index: 1, count: 4))
        let one = ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"]
        #expect(try EvaluationShard.fromEnvironment(one, count: 4) == EvaluationShard(index: 4, count: 4))
        // Without SLURM_ARRAY_TASK_MIN the ids count from 0.
        #expect(try EvaluationShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"], count: nil)
            == EvaluationShard(index: 3, count: 3))
    }

    @Test func kubernetesIndexedJobsNeedTheCount() throws {
        #expect(try EvaluationShard.fromEnvironment(["JOB_COMPLETION_INDEX": "0"], count: 2) == EvaluationShard(index: 1, count: 2))
        #expect(try EvaluationShard.fromEnvironment(["JOB_COMPLETION_INDEX": "1"], count: 2) == EvaluationShard(index: 2, count: 2))
        let missing = #expect(throws: EvaluationError.self) { try EvaluationShard.fromEnvironment(["JOB_COMPLETION_INDEX": "1"], count: nil) }
        #expect(missing?.description.contains("--shard-count") == true)
        #expect(throws: EvaluationError.self) { try EvaluationShard.fromEnvironment(["JOB_COMPLETION_INDEX": "2"], count: 2) }
    }

    @Test func inconsistentOrMissingVariablesAreOneLineErrors() throws {
        let none = #expect(throws: EvaluationError.self) { try EvaluationShard.fromEnvironment([:], count: nil) }
        #expect(none?.description.contains("SLURM_ARRAY_TASK_ID") == true && none?.description.contains("JOB_COMPLETION_INDEX") == true)
        #expect(throws: EvaluationError.self) {
            try EvaluationShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "1"], count: nil)
        }
        #expect(throws: EvaluationError.self) {
            try EvaluationShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"], count: 3)
        }
        #expect(throws: EvaluationError.self) {
            try EvaluationShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"], count: nil)
        }
        #expect(throws: EvaluationError.self) {
            try EvaluationShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"], count: nil)
        }
    }
}
