// Where the image goes in the LM's input: each row's `<image>` placeholder is replaced by the image's N tokens
// (LLaVA's expansion), rows are right-padded to one length, and image positions never count in the loss.
import * as tf from '../../backend/tf';

/** One sequence of a batch, as `buildTrainingExample` makes it, plus which image of the batch it shows. */
export interface SequenceRow {
  /** Token ids with at most one image placeholder id. */
  inputIds: readonly number[];
  /** 1 on answer tokens, 0 elsewhere; same length as inputIds. */
  labelsMask: readonly number[];
  /** Index of the placeholder in inputIds; −1 for a text-only row. */
  imagePosition: number;
  /** Which image of the batch's pixels the row shows (rows may share one: DPO's chosen and rejected). */
  imageIndex: number;
}

/** Everything about a batch's expanded layout that does not depend on weights (plain arrays, built once). */
export interface SpliceLayout {
  batch: number;
  /** Length of every row after expansion and right padding. */
  length: number;
  /** The real text ids of all rows, concatenated (the placeholder left out): what gets embedded. */
  textIds: Int32Array;
  /**
   * For each of batch·length positions, the row of concat([text embeddings, image tokens]) it takes:
   * text token j of the concatenation → j; token k of image i → textIds.length + i·N + k; padding → 0.
   */
  sourceRows: Int32Array;
  /** Expanded ids [batch·length]: the placeholder id at every image position, the pad id at padding. */
  inputIds: Int32Array;
  /** Expanded answer mask [batch·length]: 0 at image positions and padding. */
  labelsMask: Float32Array;
  /** 1 at real positions (text and image), 0 at padding. */
  attentionMask: Float32Array;
}

/**
 * Lays out `rows` with the placeholder expanded to `imageTokens` positions. Image tokens are never truncated:
 * a row's length is its text plus the whole image, and the caller checks it against the LM's context.
 */
export function spliceLayout(rows: readonly SequenceRow[], imageTokens: number, imageTokenId: number, padId: number): SpliceLayout {
  const expandedLength = (row: SequenceRow) => row.inputIds.length + (row.imagePosition >= 0 ? imageTokens - 1 : 0);
  const length = Math.max(1, ...rows.map(expandedLength));
  const textCount = rows.reduce((n, row) => n + row.inputIds.length - (row.imagePosition >= 0 ? 1 : 0), 0);
  const textIds = new Int32Array(textCount);
  const sourceRows = new Int32Array(rows.length * length);
  const inputIds = new Int32Array(rows.length * length).fill(padId);
  const labelsMask = new Float32Array(rows.length * length);
  const attentionMask = new Float32Array(rows.length * length);
  let text = 0;
  rows.forEach((row, b) => {
    if (row.labelsMask.length !== row.inputIds.length) {
      throw new Error(`spliceLayout: row ${b} has ${row.inputIds.length} ids but ${row.labelsMask.length} mask entries`);
    }
    if (row.imagePosition >= 0 && row.inputIds[row.imagePosition] !== imageTokenId) {
      throw new Error(`spliceLayout: row ${b} has no image token id ${imageTokenId} at its image position ${row.imagePosition}`);
    }
    let at = b * length;
    row.inputIds.forEach((id, j) => {
      if (j === row.imagePosition) {
        for (let k = 0; k < imageTokens; k++, at++) {
          sourceRows[at] = textCount + row.imageIndex * imageTokens + k;
          inputIds[at] = imageTokenId;
          attentionMask[at] = 1;
        }
        return;
      }
      textIds[text] = id;
      sourceRows[at] = text++;
      inputIds[at] = id;
      labelsMask[at] = row.labelsMask[j] as number;
      attentionMask[at] = 1;
      at++;
    });
  });
  return { batch: rows.length, length, textIds, sourceRows, inputIds, labelsMask, attentionMask };
}

/**
 * The LM's input embeddings [batch, length, C]: one gather from the text embeddings [textIds.length, C] stacked on
 * the image tokens [images·N, C]. A gather keeps both paths differentiable, so gradients reach the projector and
 * the encoder through the image positions and the token table through the text positions.
 */
export function spliceEmbeddings(layout: SpliceLayout, textEmbeds: tf.Tensor2D, imageEmbeds: tf.Tensor2D | null): tf.Tensor3D {
  return tf.tidy(() => {
    const width = textEmbeds.shape[1];
    const source = imageEmbeds ? tf.concat([textEmbeds, imageEmbeds], 0) : textEmbeds;
    const rows = tf.gather(source, tf.tensor1d(layout.sourceRows, 'int32'));
    return tf.reshape(rows, [layout.batch, layout.length, width]) as tf.Tensor3D;
  });
}
