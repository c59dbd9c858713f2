/// Mean absolute error, a scalar of shape [1].
public func l1Loss(_ prediction: Variable, _ target: Variable) throws -> Variable {
    try requireSameShape(prediction, target, "l1Loss")
    let count = Float(max(prediction.value.count, 1))
    let diff = try prediction.value.zipMap(target.value, -)
    let loss = diff.data.reduce(0.0) { $0 + Double(abs($1)) } / Double(count)
    return Variable.result(Tensor(shape: [1], repeating: Float(loss)), parents: [prediction, target]) { dy in
        let g = dy.data[0] / count
        let dp = try diff.map { $0 > 0 ? g : ($0 < 0 ? -g : 0) }
        return [dp, try dp.map { -$0 }]
    }
}

/// Mean squared error, a scalar of shape [1].
public func mseLoss(_ prediction: Variable, _ target: Variable) throws -> Variable {
    try requireSameShape(prediction, target, "mseLoss")
    let count = Float(max(prediction.value.count, 1))
    let diff = try prediction.value.zipMap(target.value, -)
    let loss = diff.data.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(count)
    return Variable.result(Tensor(shape: [1], repeating: Float(loss)), parents: [prediction, target]) { dy in
        let g = 2 * dy.data[0] / count
        let dp = try diff.map { $0 * g }
        return [dp, try dp.map { -$0 }]
    }
}
