/** One step of `npm test`: a command run with its output shown. */
export interface Step {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** A failure of this step ends the run (the build: nothing to test without it). */
  readonly stopsTheRun?: boolean;
}

export function defaultSteps(extraArgs?: readonly string[]): Step[];

export function runSteps(
  steps: readonly Step[],
  options?: {
    cwd?: string;
    stdio?: 'inherit' | 'ignore' | 'pipe';
    env?: NodeJS.ProcessEnv;
    log?: (line: string) => void;
  },
): number;
