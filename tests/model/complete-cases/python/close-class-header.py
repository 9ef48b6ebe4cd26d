# expect: close
class Widget(Base
