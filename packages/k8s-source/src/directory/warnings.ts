/** A problem found while reading a directory of manifests. Reported, never thrown: other files still load. */
export interface DirectoryWarning {
  /** File path relative to the directory, with `/` separators. */
  readonly file: string;
  /** 0-based index of the YAML document inside the file, when the problem is about one document. */
  readonly document?: number;
  /** 1-based line, when known. */
  readonly line?: number;
  /** What is wrong and what to write instead. Never contains Secret values. */
  readonly message: string;
}

/** Receives warnings as they are found. */
export type DirectoryWarningHandler = (warning: DirectoryWarning) => void;
