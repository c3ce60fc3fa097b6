extension Tensor {
    /// `x · min(max(x + 3, 0), 6) / 6`, element-wise (MobileNetV3's HardSwish).
    public func hardSwish() -> Tensor { activated(.hardSwish) }
}
