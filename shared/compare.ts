// Layer comparison of two or more images: which layers they share, which are their own, and what they cost.
export interface ComparedImage {
  readonly label: string;
  readonly digest: string;
  readonly totalSize: number;
  /** Bytes in layers that at least one other compared image also has. */
  readonly sharedBytes: number;
  /** Bytes in layers no other compared image has. */
  readonly uniqueBytes: number;
}

export interface ComparedLayer {
  readonly digest: string;
  readonly size: number;
  /** In the order of `images`: whether each image has this layer. */
  readonly presentIn: readonly boolean[];
  readonly createdBy?: string;
}

export interface LayerComparison {
  readonly images: readonly ComparedImage[];
  readonly layers: readonly ComparedLayer[];
  /** pull[a][b]: bytes to download going from image a to image b (layers of b that a lacks). */
  readonly pull: readonly (readonly number[])[];
}
