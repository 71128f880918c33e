// Classification metrics over predicted and true class indices.

export function accuracy(predicted: readonly number[], actual: readonly number[]): number {
  if (actual.length === 0) return 0;
  let correct = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) correct++;
  return correct / actual.length;
}

/**
 * Unweighted mean of per-class F1 over all `numClasses` classes. A class with no true and no
 * predicted examples has F1 0 (scikit-learn's zero_division=0), which keeps the metric honest
 * when a model never predicts a class.
 */
export function macroF1(predicted: readonly number[], actual: readonly number[], numClasses: number): number {
  if (numClasses === 0) return 0;
  const truePositives = new Array<number>(numClasses).fill(0);
  const predictedCounts = new Array<number>(numClasses).fill(0);
  const actualCounts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < actual.length; i++) {
    predictedCounts[predicted[i]]++;
    actualCounts[actual[i]]++;
    if (predicted[i] === actual[i]) truePositives[actual[i]]++;
  }
  let total = 0;
  for (let c = 0; c < numClasses; c++) {
    const denominator = predictedCounts[c] + actualCounts[c];
    total += denominator === 0 ? 0 : (2 * truePositives[c]) / denominator;
  }
  return total / numClasses;
}
